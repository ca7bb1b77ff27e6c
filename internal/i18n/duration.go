package i18n

import "time"

// Duration is a length of time in the reader's words: seconds under a
// minute, then to the minute under two days ("1 h 12 min", "1時間12分"),
// then days and hours. It is rounded to the second first (stored times
// keep microseconds, and 8 min 59.9999 s is nine minutes); a negative
// length is read as its size.
func (p *Printer) Duration(d time.Duration) string { return p.duration(d, false) }

// PreciseDuration is Duration to the second under an hour ("4 min 30 s",
// "4分30秒"), as a countdown needs.
func (p *Printer) PreciseDuration(d time.Duration) string { return p.duration(d, true) }

func (p *Printer) duration(d time.Duration, seconds bool) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return p.T("duration.seconds", "Seconds", int(d.Seconds()))
	case d < time.Hour && seconds:
		return p.T("duration.minutes_seconds", "Minutes", int(d.Minutes()), "Seconds", int(d.Seconds())%60)
	case d < time.Hour:
		return p.T("duration.minutes", "Minutes", int(d.Minutes()))
	case d < 48*time.Hour:
		return p.T("duration.hours_minutes", "Hours", int(d.Hours()), "Minutes", int(d.Minutes())%60)
	}
	return p.T("duration.days_hours", "Days", int(d.Hours())/24, "Hours", int(d.Hours())%24)
}
