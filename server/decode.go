package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// decodeJSON reads the request body into v, refusing unknown properties,
// trailing data and content types other than JSON. An empty body leaves v
// as it is.
func decodeJSON(c *fiber.Ctx, v any) error {
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if ct := c.Get(fiber.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != fiber.MIMEApplicationJSON && mt != "application/merge-patch+json") {
			return &apiError{status: fiber.StatusUnsupportedMediaType, code: "unsupported_media_type",
				params: map[string]any{"expected": fiber.MIMEApplicationJSON}}
		}
	} else {
		return &apiError{status: fiber.StatusUnsupportedMediaType, code: "unsupported_media_type",
			params: map[string]any{"expected": fiber.MIMEApplicationJSON}}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badJSON(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badJSON(fmt.Errorf("unexpected data after the JSON value"))
	}
	return nil
}

// badJSON turns a decoding error into a 400 whose message says where.
func badJSON(err error) error {
	reason := err.Error()
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		reason = fmt.Sprintf("syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "(root)"
		}
		reason = fmt.Sprintf("%s must be %s, not %s", field, jsonKind(te.Type.Kind().String()), te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		reason = "unexpected end of input"
	}
	if len(reason) > 200 {
		reason = reason[:200]
	}
	return &apiError{status: fiber.StatusBadRequest, code: "bad_json", params: map[string]any{"reason": reason}, cause: err}
}

func jsonKind(k string) string {
	switch k {
	case "map", "struct":
		return "an object"
	case "slice", "array":
		return "a list"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	}
	return "a number"
}

// queryInt reads an optional non-negative integer query parameter.
func queryInt(c *fiber.Ctx, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, &apiError{status: fiber.StatusBadRequest, code: "bad_parameter", params: map[string]any{"name": name}}
	}
	return n, nil
}

// created writes v with status 201.
func created(c *fiber.Ctx, v any) error { return c.Status(fiber.StatusCreated).JSON(v) }

// noContent answers 204.
func noContent(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusNoContent) }
