package sqlitestore

import (
	"encoding/json"
	"reflect"
	"testing"
)

var decodeSeeds = []string{
	`{}`, `null`, `{"a":1}`, ` { "a" : [ 1 , 2.5 , -0.5e3 , true , false , null ] } `,
	`{"s":"plain","u":"客户 \u00e9","e":"tab\there","q":"say \"hi\"","n":{"x":{"y":[]}}}`,
	`{"big":1e400}`, `{"lead":01}`, `{"plus":+1}`, `{"dot":1.}`, `{"exp":1e}`, `{"neg":-}`,
	`{"bad":"\xff"}`, `{"ctl":"a` + "\x01" + `"}`, `[1,2]`, `"x"`, `{"a":1,"a":2}`, `{"a":1}x`,
	`{"a":1,}`, `{"a" 1}`, `{"a":tru}`, `{"a":[1 2]}`, `{"e":1E+2,"f":0.000001,"g":-0}`, ``,
}

// TestDecodeDocMatchesEncodingJSON compares decodeDoc with json.Unmarshal
// on hand-picked inputs and on the benchmark documents.
func TestDecodeDocMatchesEncodingJSON(t *testing.T) {
	inputs := append([]string{}, decodeSeeds...)
	for i := range 50 {
		b, err := json.Marshal(crmDoc(i))
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, string(b))
	}
	for _, in := range inputs {
		checkDecode(t, []byte(in))
	}
}

func FuzzDecodeDoc(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkDecode(t, b) })
}

func checkDecode(t *testing.T, in []byte) {
	t.Helper()
	var want map[string]any
	wantErr := json.Unmarshal(in, &want)
	got, err := decodeDoc(in)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%q: err = %v, encoding/json: %v", in, err, wantErr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %#v\nwant %#v", in, got, want)
	}
}
