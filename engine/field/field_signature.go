package field

// A signature is exactly one image (the drawn signature, PNG or SVG as the
// client renders it), stored like any file field as a list of one reference.
func init() {
	Register(filesType{name: "signature", imagesOnly: true, maxFiles: 1, maxFilesCap: 1, defaultBytes: 2 << 20})
}
