package engine

import (
	"errors"
	"fmt"

	"github.com/formloom/formloom/engine/field"
)

// Errors the engine returns; callers compare with errors.Is.
var (
	// ErrNotFound: the item does not exist in the actor's workspace.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the item changed since the caller read it (stale version).
	ErrConflict = errors.New("version conflict")
	// ErrForbidden: the actor may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrInvalid: the input is invalid; see *ValidationError for the fields.
	ErrInvalid = errors.New("invalid input")
	// ErrNotPublished: the form has no published version yet.
	ErrNotPublished = errors.New("form is not published")
)

// Codes of the problems the engine reports (field.Error.Code). Each has its
// texts in engine/i18n; callers and tests compare against these constants,
// never against string literals. Codes shared with the field types are the
// field package's own constants under the engine's name.
const (
	// Codes shared with the field types (engine/field).
	CodeRequired     = field.CodeRequired
	CodeMaxLength    = field.CodeMaxLength
	CodeOption       = field.CodeOption
	CodeType         = field.CodeType
	CodeTooLarge     = field.CodeTooLarge
	CodeRange        = field.CodeRange
	CodeEmail        = field.CodeEmail
	CodeUnknownField = field.CodeUnknownField
	CodeSystemField  = field.CodeSystemField
	CodeReadOnly     = field.CodeReadOnly
	CodeFileType     = field.CodeFileType
	CodeFileTooLarge = field.CodeFileTooLarge

	// CodeNotFound: a referenced item (department, record, file) does not exist.
	CodeNotFound = "not_found"
	// CodeCycle: a department would move below itself.
	CodeCycle = "cycle"
	// CodeHasChildren: a department with sub-departments cannot be deleted.
	CodeHasChildren = "has_children"
	// CodeTimeZone: an unknown IANA time zone.
	CodeTimeZone = "time_zone"
	// CodeLanguage: an unsupported language.
	CodeLanguage = "language"
	// CodeAlreadyMember: the user already belongs to the workspace.
	CodeAlreadyMember = "already_member"
	// CodeLastAdmin: the workspace's only admin cannot be demoted or removed.
	CodeLastAdmin = "last_admin"
	// CodeTaken: the email is in use by another account.
	CodeTaken = "taken"
	// CodeSelfDisable: an admin cannot disable their own account.
	CodeSelfDisable = "self_disable"
	// CodeAccountShared: the account belongs to workspaces the actor does not administer.
	CodeAccountShared = "account_shared"
	// CodeAccountNotManaged: another workspace created the account (or it
	// joined by invitation), so this workspace's admins cannot change it.
	CodeAccountNotManaged = "account_not_managed"
	// CodeMaxItems: a list holds more items than allowed.
	CodeMaxItems = "max_items"
	// CodeFileName: an uploaded file's name is invalid.
	CodeFileName = "file_name"
	// CodeFileEmpty: an uploaded file is empty.
	CodeFileEmpty = "file_empty"
	// CodeFilter: a query filter is malformed.
	CodeFilter = "filter"
	// CodeOperator: a field does not support a filter operator.
	CodeOperator = "operator"
	// CodeAggregate: a field cannot be grouped or aggregated that way.
	CodeAggregate = "aggregate"
	// CodeExpression: an expression does not compile (params line, column, reason).
	CodeExpression = "expression"
	// CodeUnknownType: a field names an unregistered type.
	CodeUnknownType = "unknown_type"
	// CodeFormulaCycle: formula fields read each other in a cycle.
	CodeFormulaCycle = "formula_cycle"
	// CodeFormulaType: a formula's result cannot be stored as a field value.
	CodeFormulaType = "formula_type"
	// CodeDefaultFailed: a default-value expression failed.
	CodeDefaultFailed = "default_failed"
	// CodeRule: a submit rule refused the write (param message, per language).
	CodeRule = "rule"
	// CodeUnique: a unique field's value is already used by another record.
	CodeUnique = "unique"
	// CodeUniqueExistingDuplicates: a field cannot become unique over duplicate data.
	CodeUniqueExistingDuplicates = "unique_existing_duplicates"
	// CodeReferenceCheckFailed: references could not be checked.
	CodeReferenceCheckFailed = "reference_check_failed"
	// CodeRelationForeignForm: a relation (or a lookup through it) names a
	// form that is not a form of the workspace (params field, form).
	CodeRelationForeignForm = "relation_foreign_form"
	// CodeSchema: the data does not fit the form's JSON Schema; a more
	// specific "schema_<keyword>" code is used when one has a text.
	CodeSchema = "schema"
	// CodeNoChanges: a publish without changes to the published version.
	CodeNoChanges = "no_changes"
	// CodeTypeChange: a field's type cannot change to the new one.
	CodeTypeChange = "type_change"
	// CodeUnknownExtension: a form design holds a setting (Extensions)
	// no capability registered (param name).
	CodeUnknownExtension = "unknown_extension"
	// CodeHookVeto: a write-pipeline hook refused the write (param message, per language).
	CodeHookVeto = "hook_veto"
	// CodeDuplicateName: another app of the workspace has this name.
	CodeDuplicateName = "duplicate_name"
	// CodeExprWriteBudget: one write's expressions used up their work budget.
	CodeExprWriteBudget = "expr_write_budget"
	// CodeExprFormFields: a form has more fields than allowed.
	CodeExprFormFields = "expr_form_fields"
	// CodeExprFormExpressions: a form has more expressions than allowed.
	CodeExprFormExpressions = "expr_form_expressions"

	// Export and import codes.
	CodeExportFormat          = "export_format"
	CodeExportTooManyRows     = "export_too_many_rows"
	CodeImportEmpty           = "import_empty"
	CodeImportTooLarge        = "import_too_large"
	CodeImportFormat          = "import_format"
	CodeImportXLS             = "import_xls"
	CodeImportBroken          = "import_broken"
	CodeImportEncoding        = "import_encoding"
	CodeImportCSVSyntax       = "import_csv_syntax"
	CodeImportNoSheet         = "import_no_sheet"
	CodeImportNoHeader        = "import_no_header"
	CodeImportNoRows          = "import_no_rows"
	CodeImportTooManyRows     = "import_too_many_rows"
	CodeImportTooManyColumns  = "import_too_many_columns"
	CodeImportNoColumns       = "import_no_columns"
	CodeImportDuplicateColumn = "import_duplicate_column"
	CodeImportUnknownColumn   = "import_unknown_column"
	CodeImportComputedColumn  = "import_computed_column"
	CodeImportSystemColumn    = "import_system_column"
	CodeImportArchivedColumn  = "import_archived_column"
	CodeImportEmptyHeader     = "import_empty_header"
	CodeImportDuplicateValue  = "import_duplicate_value"
	CodeImportUniqueExists    = "import_unique_exists"
)

// Codes of permissions (engine/permission*.go).
const (
	// CodeReadOnlyPermission: the actor's permission does not let them
	// change this field.
	CodeReadOnlyPermission = "read_only_permission"
	// CodeInUse: the item is still held or referred to (a role).
	CodeInUse = "in_use"
	// CodePermissionNeedsView: an action of a permission set needs view.
	CodePermissionNeedsView = "permission_needs_view"
	// CodeNotPublished: the form has no published version yet.
	CodeNotPublished = "not_published"
	// CodeOutsideRows: the write would leave the record outside the rows
	// the actor may change, which only a transfer of owner may do.
	CodeOutsideRows = "outside_rows"
	// CodePlaceholder: a row-filter placeholder used where it cannot apply.
	CodePlaceholder = "placeholder"
	// CodeHiddenFieldInvalid: a field the actor may not see refused the
	// write (required, unique…); the answer does not name it.
	CodeHiddenFieldInvalid = "hidden_field_invalid"
	// CodeRoleNameTaken: another role of the workspace has this name.
	CodeRoleNameTaken = "role_name_taken"
)

// ValidationError lists every problem of one write or design, per field.
// It matches ErrInvalid.
type ValidationError struct {
	Fields []field.Error
}

func (e *ValidationError) Error() string {
	if len(e.Fields) == 0 {
		return "invalid input"
	}
	f := e.Fields[0]
	if len(e.Fields) == 1 {
		return fmt.Sprintf("invalid input: %s: %s", f.Path, f.Code)
	}
	return fmt.Sprintf("invalid input: %s: %s (and %d more)", f.Path, f.Code, len(e.Fields)-1)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

func invalid(errs ...field.Error) error { return &ValidationError{Fields: errs} }

func fieldErr(path, code string, params map[string]any) field.Error {
	return field.Error{Path: path, Code: code, Params: params}
}

func wrapNotFound(kind, id string) error {
	return fmt.Errorf("%w: %s %q", ErrNotFound, kind, id)
}

// validationFields returns the field errors of a *ValidationError (nil for others).
func validationFields(err error) []field.Error {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Fields
	}
	return nil
}
