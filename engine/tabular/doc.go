// Package tabular holds the spreadsheet codecs of record imports and
// exports: CSV (UTF-8 with a BOM on export; UTF-8, UTF-16 and GB18030 on
// import; comma, semicolon or tab separated) and XLSX (excelize). It sits
// outside the engine core so the core links no file codec (excelize brings
// net/http): the engine prepares an export's header and cells and checks an
// import's rows, and this package turns them into files and back.
package tabular
