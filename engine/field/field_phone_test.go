package field

import (
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestPhoneNormalize(t *testing.T) {
	runNormalize(t, "phone", []normCase{
		{name: "mobile", raw: "13812345678", want: "13812345678"},
		{name: "mobile with spaces and dashes", raw: "138-1234 5678", want: "13812345678"},
		{name: "mobile +86", raw: "+86 138 1234 5678", want: "13812345678"},
		{name: "mobile 0086", raw: "0086-13812345678", want: "13812345678"},
		{name: "beijing landline", raw: "010-12345678", want: "010-12345678"},
		{name: "landline without dash", raw: "02112345678", want: "021-12345678"},
		{name: "four digit area code", raw: "(0755) 1234567", want: "0755-1234567"},
		{name: "service number", raw: "400 123 4567", want: "400-123-4567"},
		{name: "E.164", raw: "+44 20 7946 0958", want: "+442079460958"},
		{name: "00 prefix", raw: "0044 20 7946 0958", want: "+442079460958"},
		{name: "empty", raw: "", want: nil},
		{name: "mobile bad second digit", raw: "12812345678", code: CodePhone},
		{name: "mobile too short", raw: "1381234567", code: CodePhone},
		{name: "letters", raw: "138-CALL-ME", code: CodePhone},
		{name: "plus in the middle", raw: "138+12345678", code: CodePhone},
		{name: "E.164 too short", raw: "+4412", code: CodePhone},
		{name: "E.164 leading zero", raw: "+0123456789", code: CodePhone},
		{name: "landline wrong length", raw: "010-123456", code: CodePhone},
		{name: "too long input", raw: "+44 20 7946 0958 0958 0958 0958 0958", code: CodePhone},
		{name: "number refused", raw: 13812345678.0, code: CodeType},
	})
	roundTrip(t, "phone", form.Field{}, "010-12345678")
	runFromCell(t, "phone", []cellCase{{name: "tel uri", cell: "tel:+8613812345678", want: "13812345678"}})
}
