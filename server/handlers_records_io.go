package server

import (
	"bufio"
	"context"
	"fmt"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/i18n"
	"github.com/formloom/formloom/engine/tabular"
)

// RecordExport is the body of POST …/records/export: the query of
// …/records/query (limit, offset and cursor are ignored: every match is
// exported) and the file format, "csv" (default) or "xlsx".
type RecordExport struct {
	RecordQuery
	Format string `json:"format"`
}

func (s *Server) exportRecords(c *fiber.Ctx) error {
	var in RecordExport
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	q, err := in.engineQuery()
	if err != nil {
		return err
	}
	if in.Format == "" {
		in.Format = string(engine.FormatCSV)
	}
	x, err := s.e.PrepareExport(c.UserContext(), actor(c), c.Params("form"), q, engine.ExportFormat(in.Format), lang(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, x.ContentType)
	c.Set(fiber.HeaderContentDisposition, attachment(x.Filename))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Record-Count", fmt.Sprint(x.Rows))
	// The rows are read and written after the handler returns, while the
	// response streams; the request's context is gone by then.
	log := s.logger(c)
	timeout := s.cfg.WriteTimeout
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := tabular.Write(ctx, w, x); err != nil {
			// Headers are sent: the client sees a cut file, the log says why.
			log.Error("export failed while streaming", "err", err)
		}
		_ = w.Flush()
	})
	return nil
}

// attachment is a Content-Disposition for a download named name: an ASCII
// fallback and the UTF-8 name (RFC 6266, RFC 5987).
func attachment(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			return '_'
		}
		return r
	}, name)
	var b strings.Builder
	for _, c := range []byte(name) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + b.String()
}

// ImportReport answers an import: what each column became, how many rows
// were read and written, and every problem by row and column.
type ImportReport struct {
	Format          string           `json:"format"`
	Rows            int              `json:"rows"`
	Created         int              `json:"created"`
	DryRun          bool             `json:"dryRun"`
	SkipAutomations bool             `json:"skipAutomations"`
	Valid           bool             `json:"valid"`
	Columns         []ImportColumn   `json:"columns"`
	Errors          []ImportRowError `json:"errors"`
	ErrorsTruncated bool             `json:"errorsTruncated,omitempty"`
	IDs             []string         `json:"ids,omitempty"`
}

// ImportColumn is one column of the file: the field it fills, or why it is ignored.
type ImportColumn struct {
	Index   int    `json:"index"`
	Header  string `json:"header"`
	Field   string `json:"field,omitempty"`
	Ignored bool   `json:"ignored,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

// ImportRowError is one problem: the row as the spreadsheet numbers it, the
// column header, the path in the record, a code and a localized message.
type ImportRowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// importRejected is the 422 answer of an import with bad rows: the one
// error shape, plus the full report.
type importRejected struct {
	Error  ErrorDetail  `json:"error"`
	Report ImportReport `json:"report"`
}

func (s *Server) importRecords(c *fiber.Ctx) error {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != fiber.MIMEMultipartForm {
		return &apiError{status: fiber.StatusUnsupportedMediaType, code: "unsupported_media_type",
			params: map[string]any{"expected": fiber.MIMEMultipartForm}}
	}
	var opts engine.ImportOptions
	if opts.DryRun, err = boolParam(c, "dryRun"); err != nil {
		return err
	}
	if opts.SkipAutomations, err = boolParam(c, "skipAutomations"); err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return &apiError{status: fiber.StatusBadRequest, code: "bad_parameter", params: map[string]any{"name": "file"}, cause: err}
	}
	if fh.Size > engine.MaxImportBytes {
		return invalidFile("import_too_large", map[string]any{"max": engine.MaxImportBytes >> 20})
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("server: open upload: %w", err)
	}
	defer f.Close()
	rep, err := tabular.Import(c.UserContext(), s.e, actor(c), c.Params("form"), f, opts)
	if err != nil {
		return err
	}
	l := lang(c)
	out := importReport(l, rep)
	switch {
	case len(rep.Errors) > 0 && !opts.DryRun:
		body := importRejected{Report: out, Error: ErrorDetail{Code: "import_rejected",
			Message: i18n.T(l, "server_import_rejected", map[string]any{"count": len(out.Errors)})}}
		for _, e := range rep.Errors {
			body.Error.Fields = append(body.Error.Fields, FieldError{Path: fmt.Sprintf("rows[%d].%s", e.Row, e.Error.Path),
				Code: e.Error.Code, Message: fieldMessage(l, e.Error)})
		}
		return c.Status(fiber.StatusUnprocessableEntity).JSON(body)
	case opts.DryRun:
		return c.JSON(out)
	}
	return created(c, out)
}

func invalidFile(code string, params map[string]any) error {
	return &apiError{status: fiber.StatusUnprocessableEntity, code: "invalid", fields: []field.Error{{Path: "file", Code: code, Params: params}}}
}

func importReport(l string, rep engine.ImportReport) ImportReport {
	out := ImportReport{Format: string(rep.Format), Rows: rep.Rows, Created: rep.Created, DryRun: rep.DryRun, SkipAutomations: rep.SkipAutomations,
		Valid: len(rep.Errors) == 0 && !rep.ErrorsTruncated, ErrorsTruncated: rep.ErrorsTruncated, IDs: rep.IDs,
		Columns: make([]ImportColumn, len(rep.Columns)), Errors: make([]ImportRowError, len(rep.Errors))}
	for i, col := range rep.Columns {
		out.Columns[i] = ImportColumn{Index: col.Index, Header: col.Header, Field: col.Field, Ignored: col.Ignored, Reason: col.Reason}
		if col.Reason != "" {
			out.Columns[i].Message = i18n.T(l, col.Reason, map[string]any{"header": col.Header})
		}
	}
	for i, e := range rep.Errors {
		out.Errors[i] = ImportRowError{Row: e.Row, Column: e.Column, Path: e.Error.Path, Code: e.Error.Code, Message: fieldMessage(l, e.Error)}
	}
	return out
}

// boolParam reads a flag from the query string or a multipart form field.
func boolParam(c *fiber.Ctx, name string) (bool, error) {
	v := c.Query(name)
	if v == "" {
		v = c.FormValue(name)
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "false", "0", "off":
		return false, nil
	case "true", "1", "on":
		return true, nil
	}
	return false, &apiError{status: fiber.StatusBadRequest, code: "bad_parameter", params: map[string]any{"name": name}}
}
