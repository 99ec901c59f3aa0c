package field

func init() { Register(refListType{name: "departments", kind: RefDepartments}) }
