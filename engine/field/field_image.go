package field

func init() {
	Register(filesType{name: "image", imagesOnly: true, maxFiles: 20, maxFilesCap: MaxFilesLimit, defaultBytes: 20 << 20})
}
