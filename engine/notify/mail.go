package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one email: a plain-text part and an HTML alternative.
type Message struct {
	To      []string
	Subject string
	Text    string
	HTML    string
}

// Mailer sends email. SMTPMailer is the product's; an error means retry.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// TLS modes of an SMTP connection.
const (
	// TLSStartTLS upgrades a plain connection with STARTTLS and refuses a
	// server that does not offer it (port 587).
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte (port 465).
	TLSImplicit = "tls"
	// TLSNone sends in the clear (a relay on localhost or a test server).
	TLSNone = "none"
)

// SMTPConfig configures SMTPMailer. Email is off when Host is empty.
type SMTPConfig struct {
	Host string
	// Port 0 means 587 for starttls, 465 for tls, 25 for none.
	Port     int
	Username string
	Password string
	// From is the sender address, "Formloom <noreply@example.com>" or a bare address.
	From string
	// TLS is starttls (the default when empty), tls or none.
	TLS string
	// Timeout bounds one connection; 0 means 30 s.
	Timeout time.Duration
}

// SMTPMailer sends email through an SMTP server with go-mail.
type SMTPMailer struct {
	cfg  SMTPConfig
	opts []gomail.Option
}

// NewSMTPMailer checks cfg and returns a mailer; it does not connect.
func NewSMTPMailer(cfg SMTPConfig) (*SMTPMailer, error) {
	if strings.TrimSpace(cfg.Host) == "" {
		return nil, fmt.Errorf("notify: SMTP host is empty")
	}
	if cfg.From == "" {
		return nil, fmt.Errorf("notify: SMTP sender (from) is empty")
	}
	if err := gomail.NewMsg().From(cfg.From); err != nil {
		return nil, fmt.Errorf("notify: SMTP sender %q: %w", cfg.From, err)
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	port := cfg.Port
	opts := []gomail.Option{gomail.WithTimeout(cfg.Timeout)}
	switch cfg.TLS {
	case TLSStartTLS:
		if port == 0 {
			port = 587
		}
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		if port == 0 {
			port = 465
		}
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		if port == 0 {
			port = 25
		}
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("notify: SMTP TLS mode %q: use starttls, tls or none", cfg.TLS)
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("notify: SMTP port %d is out of range", port)
	}
	opts = append(opts, gomail.WithPort(port))
	if cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	cfg.Port = port
	return &SMTPMailer{cfg: cfg, opts: opts}, nil
}

// Config returns the mailer's settings with the password masked.
func (m *SMTPMailer) Config() SMTPConfig {
	c := m.cfg
	if c.Password != "" {
		c.Password = "***"
	}
	return c
}

// Send delivers one message over a fresh connection.
func (m *SMTPMailer) Send(ctx context.Context, msg Message) error {
	mm := gomail.NewMsg()
	if err := mm.From(m.cfg.From); err != nil {
		return fmt.Errorf("notify: sender: %w", err)
	}
	if err := mm.To(msg.To...); err != nil {
		return fmt.Errorf("notify: recipients: %w", err)
	}
	mm.Subject(msg.Subject)
	mm.SetDate()
	mm.SetMessageID()
	mm.SetBodyString(gomail.TypeTextPlain, msg.Text)
	if msg.HTML != "" {
		mm.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	}
	c, err := gomail.NewClient(m.cfg.Host, m.opts...)
	if err != nil {
		return fmt.Errorf("notify: SMTP client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, mm); err != nil {
		return fmt.Errorf("notify: send email: %w", err)
	}
	return nil
}
