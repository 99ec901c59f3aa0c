package field

func init() {
	Register(filesType{name: "attachment", maxFiles: 20, maxFilesCap: MaxFilesLimit, defaultBytes: 100 << 20})
}
