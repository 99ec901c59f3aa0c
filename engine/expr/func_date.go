package expr

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

func init() {
	register("TODAY", fnToday, new(func() time.Time))
	register("NOW", func(st *runState, _ []any) (any, error) { return st.now, nil }, new(func() time.Time))
	register("DATE", fnDate, new(func(float64, float64, float64) time.Time))
	register("YEAR", datePart(func(t time.Time) int { return t.Year() }), new(func(time.Time) float64))
	register("MONTH", datePart(func(t time.Time) int { return int(t.Month()) }), new(func(time.Time) float64))
	register("DAY", datePart(func(t time.Time) int { return t.Day() }), new(func(time.Time) float64))
	register("DATEDIF", fnDatedif, new(func(time.Time, time.Time, string) float64))
	register("DATEADD", fnDateadd, new(func(time.Time, float64, string) time.Time))
	register("WORKDAY", fnWorkday, new(func(time.Time, float64) time.Time))
}

// dateFuncs return dates (midnight) rather than datetimes; Check reports
// their type as Date.
var dateFuncs = map[string]bool{"TODAY": true, "DATE": true, "WORKDAY": true}

// timeArg reads a date argument in the workspace time zone.
func timeArg(st *runState, v any) (time.Time, error) {
	t, ok := v.(time.Time)
	if !ok {
		if v == nil {
			return time.Time{}, errors.New("date is empty")
		}
		return time.Time{}, fmt.Errorf("%s is not a date", describe(v))
	}
	return t.In(st.loc), nil
}

// midnight returns the start of t's day in loc.
func midnight(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// checkYear refuses dates outside the years 1..9999.
func checkYear(t time.Time) (any, error) {
	if t.Year() < 1 || t.Year() > 9999 {
		return nil, fmt.Errorf("date %d is out of range", t.Year())
	}
	return t, nil
}

func fnToday(st *runState, _ []any) (any, error) { return midnight(st.now, st.loc), nil }

func fnDate(st *runState, args []any) (any, error) {
	var ymd [3]int
	for i := range ymd {
		n, err := integer(args[i])
		if err != nil {
			return nil, err
		}
		ymd[i] = n
	}
	if ymd[0] < 1 || ymd[0] > 9999 || ymd[1] < -120000 || ymd[1] > 120000 {
		return nil, fmt.Errorf("date %d-%d-%d is out of range", ymd[0], ymd[1], ymd[2])
	}
	return checkYear(time.Date(ymd[0], time.Month(ymd[1]), ymd[2], 0, 0, 0, 0, st.loc))
}

func datePart(part func(time.Time) int) libImpl {
	return func(st *runState, args []any) (any, error) {
		t, err := timeArg(st, args[0])
		if err != nil {
			return nil, err
		}
		return float64(part(t)), nil
	}
}

// dayNumber counts days since the epoch for the calendar date of t.
func dayNumber(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// fnDatedif is Excel's DATEDIF: complete years, months or days from start
// to end; start after end is an error.
func fnDatedif(st *runState, args []any) (any, error) {
	a, err := timeArg(st, args[0])
	if err != nil {
		return nil, err
	}
	b, err := timeArg(st, args[1])
	if err != nil {
		return nil, err
	}
	unit, err := text(args[2])
	if err != nil {
		return nil, err
	}
	if dayNumber(a) > dayNumber(b) {
		return nil, errors.New("start date is after end date")
	}
	months := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	if b.Day() < a.Day() {
		months--
	}
	switch strings.ToUpper(unit) {
	case "Y":
		return float64(months / 12), nil
	case "M":
		return float64(months), nil
	case "D":
		return float64(dayNumber(b) - dayNumber(a)), nil
	}
	return nil, fmt.Errorf("unit %q is not Y, M or D", unit)
}

// addMonths adds n months keeping the day, clamped to the month's last day
// (Jan 31 + 1 month is Feb 28 or 29), as Excel's EDATE does.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// fnDateadd adds n units (day, week, month, year, hour, minute) to a date.
func fnDateadd(st *runState, args []any) (any, error) {
	t, err := timeArg(st, args[0])
	if err != nil {
		return nil, err
	}
	n, err := number(args[1])
	if err != nil {
		return nil, err
	}
	unit, err := text(args[2])
	if err != nil {
		return nil, err
	}
	if math.IsNaN(n) || math.Abs(n) > 1e8 {
		return nil, fmt.Errorf("%v is out of range", n)
	}
	switch strings.ToLower(unit) {
	case "day", "days":
		return checkYear(t.AddDate(0, 0, int(n)))
	case "week", "weeks":
		return checkYear(t.AddDate(0, 0, 7*int(n)))
	case "month", "months":
		return checkYear(addMonths(t, int(n)))
	case "year", "years":
		return checkYear(addMonths(t, 12*int(n)))
	case "hour", "hours":
		return checkYear(t.Add(time.Duration(n * float64(time.Hour))))
	case "minute", "minutes":
		return checkYear(t.Add(time.Duration(n * float64(time.Minute))))
	}
	return nil, fmt.Errorf("unit %q is not day, week, month, year, hour or minute", unit)
}

func isWeekend(t time.Time) bool {
	return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
}

// fnWorkday is Excel's WORKDAY without holidays: the date n working days
// (Monday to Friday) after start, or before it when n is negative.
func fnWorkday(st *runState, args []any) (any, error) {
	t, err := timeArg(st, args[0])
	if err != nil {
		return nil, err
	}
	n, err := integer(args[1])
	if err != nil {
		return nil, err
	}
	if n > 3_000_000 || n < -3_000_000 {
		return nil, fmt.Errorf("%d working days is out of range", n)
	}
	d := midnight(t, st.loc)
	if n == 0 {
		return d, nil
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	// Start from the nearest working day behind the direction of travel, so
	// a weekend start counts the next working day as the first.
	for isWeekend(d) {
		d = d.AddDate(0, 0, -step)
	}
	d = d.AddDate(0, 0, step*7*(n/5))
	for rest := n % 5; rest > 0; {
		d = d.AddDate(0, 0, step)
		if !isWeekend(d) {
			rest--
		}
	}
	return checkYear(d)
}
