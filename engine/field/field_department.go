package field

func init() { Register(refType{name: "department", kind: RefDepartments}) }
