package i18n

// Codes of the integrators' API conventions: Idempotency-Key on record
// creates (engine/record_idempotency.go) and bulk writes.
func init() {
	Register(ZhCN, map[string]string{
		"idempotency_key": "Idempotency-Key 须为 1 到 {max} 个可打印 ASCII 字符",
	})
	Register(En, map[string]string{
		"idempotency_key": "Idempotency-Key must be 1 to {max} printable ASCII characters",
	})
}
