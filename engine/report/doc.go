// Package report holds what people look at besides single records: saved
// views of a form's data (filter, sort, columns, grouping, table, kanban or
// calendar), and the aggregates behind totals, kanban headers and charts.
// It reads records only through the engine (QueryRecords,
// AggregateRecords), so every view and every figure covers exactly the
// rows and fields the member may see.
package report
