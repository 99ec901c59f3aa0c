package server

import (
	"fmt"
	"mime"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
)

// inlineTypes are shown in the browser; every other file is downloaded.
var inlineTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

func (s *Server) uploadFile(c *fiber.Ctx) error {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != fiber.MIMEMultipartForm {
		return &apiError{status: fiber.StatusUnsupportedMediaType, code: "unsupported_media_type",
			params: map[string]any{"expected": fiber.MIMEMultipartForm}}
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return &apiError{status: fiber.StatusBadRequest, code: "bad_parameter", params: map[string]any{"name": "file"}, cause: err}
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("server: open upload: %w", err)
	}
	defer f.Close()
	info, err := s.e.UploadFile(c.UserContext(), actor(c), fh.Filename, f, int64(s.cfg.UploadLimit))
	if err != nil {
		return err
	}
	return created(c, info)
}

func (s *Server) downloadFile(c *fiber.Ctx) error {
	// A file attached to a record is read through it (?form=&record=&field=)
	// and follows the record's permission.
	ref := engine.FileRef{Form: c.Query("form"), Record: c.Query("record"), Field: c.Query("field")}
	info, rc, err := s.e.File(c.UserContext(), actor(c), c.Params("id"), ref)
	if err != nil {
		return err
	}
	disposition := "attachment"
	if inlineTypes[info.ContentType] {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentType, info.ContentType)
	c.Set(fiber.HeaderContentDisposition, disposition+"; filename*=UTF-8''"+url.PathEscape(info.Name))
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	c.Set(fiber.HeaderETag, `"`+strings.ReplaceAll(info.SHA256, `"`, "")+`"`)
	// fasthttp closes the stream once it is sent.
	return c.SendStream(rc, int(info.Size))
}
