// Package field is the registry of field types: for each type identifier of
// a form design it knows how to check the design, describe the stored value
// (JSON Schema), normalize client input, convert to expression values,
// filter, display, export and import. One file per type (field_<type>.go)
// registers it at init.
//
// # Stored values
//
// Values are JSON values (numbers float64). Empty input ("", null, [], {})
// is stored as null; required-ness is the pipeline's business. Strings are
// trimmed of surrounding white space and must be valid UTF-8 without control
// characters.
//
//   - text: one line (no line breaks), at most MaxLength runes (default
//     200, design limit 10,000), at least MinLength; Pattern is an RE2
//     expression that must match the whole value.
//   - textarea: like text, line breaks allowed (CR LF becomes LF), default
//     maximum 10,000 runes.
//   - richtext: HTML sanitized with bluemonday's UGC policy, at most 100 KB
//     in and out; markup with no text and no image is empty.
//   - number: a number (JSON number, or a decimal string such as "12.50")
//     within ±1e15, Min/Max inclusive; with Precision p, more than p
//     significant decimals is an error (1.50 has one), never rounded.
//   - money: {"amount": number, "currency": "CNY"}. Input is a number, a
//     decimal string or such an object (currency optional, and when present
//     equal to the field's Currency, default CNY). The amount is read exactly
//     (shopspring/decimal on its decimal text) and refused when it has more
//     decimals than the currency has minor units (2; 0 for JPY, KRW...; 3 for
//     BHD, KWD...) or than Precision when smaller. Min/Max bound the amount.
//     Filters address "<key>.amount".
//   - percent: the fraction, 15% stored as 0.15 (what formulas compute with).
//     Input: a number or string fraction ("0.15"), or a string percentage
//     ("15%"). Min/Max are fractions; Precision counts decimals of the
//     percentage (1 allows 15.5%).
//   - rating: a whole number 0..Max (Max 1..10, default 5).
//   - date: "YYYY-MM-DD", a day in the workspace zone. Input: that, or an
//     RFC 3339 time taken as its day in the workspace zone.
//   - datetime: store.TimeLayout in UTC ("2024-03-05T06:30:00.000000Z").
//     Input: RFC 3339 with a zone, or "YYYY-MM-DD HH:mm[:ss[.fff]]" (also
//     with "T") read in the workspace zone.
//   - select: the option value, which must be an option of the design.
//   - multiselect: a list of distinct option values, stored in the design's
//     option order.
//   - boolean: true or false (JSON booleans only; "false" is refused).
//   - email: a bare address, lower-cased, at most 254 characters.
//   - phone: canonical spelling (see phoneType): mainland mobile as 11
//     digits ("+86" dropped), landline "0xx-xxxxxxxx", service
//     "400-xxx-xxxx", other countries E.164 "+4420...".
//   - url: absolute http/https with a host, no credentials, at most 2048.
//   - user, department: an id string (shape only; existence is checked by
//     the pipeline). users, departments: a list of distinct ids, at most 500.
//   - relation: a record id of the design's Form, or a list of distinct ids
//     (at most 500) when Multiple.
//   - lookup, formula, serial: computed by the engine, never written by
//     clients (non-empty input is "read_only"). lookup and formula are of
//     any type here (the expression package types formulas); serial is a
//     string built by SerialValue.
//   - subform: a list of at most 1000 row objects, each with a stable "id"
//     (kept, or generated when missing) and the values of the subform's
//     fields normalized recursively (paths "items[1].price").
//   - address: {"province", "city", "district", "detail"}, non-empty parts
//     only (regions up to 64 runes, detail up to 200).
//   - location: {"lat", "lng", "text"?}: degrees in range, both required.
//   - attachment, image, signature: a list of {"id", "name", "size",
//     "content_type"} (input may spell it "contentType", but stored keys
//     must be valid data keys); count up to MaxFiles (default 20, signature
//     exactly one), each up to MaxFileBytes (default 100 MB, 20 MB for images, 2 MB
//     for signatures), types matching Accept (".pdf", "image/png",
//     "image/*"); image and signature take image/* only.
//
// # Errors
//
// Problems are Error values: a path ("items[2].price") and a code of
// engine/i18n with parameters, rendered by Error.Message in zh-CN or en.
// Bad input never panics; FuzzNormalize holds every type to that.
package field
