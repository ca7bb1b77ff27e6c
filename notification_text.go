package hansei

import "fmt"

// Localized renders a notification's subject and text in lang (English,
// Japanese or German), from its kind and data; other languages, and kinds
// without data to render, keep the English text.
func (n Notification) Localized(lang string) (subject, text string) {
	d := func(k string) any { return n.Data[k] }
	if d("restricted") == true && n.Kind != NotifyDigest {
		link, _ := d("link").(string)
		return restrictedText(lang, link)
	}
	id, inc, title, due, prio := d("remediation"), d("incident"), d("title"), d("due"), d("priority")
	if id == nil || title == nil {
		return n.Subject, n.Text
	}
	switch lang {
	case "ja":
		switch n.Kind {
		case NotifyReminder:
			return fmt.Sprintf("改善策 %v の期限まであと %v 日です", id, d("days")),
				fmt.Sprintf("「%v」（INC-%v、%v）の期限は %v です。あなたが責任者です。", title, inc, prio, due)
		case NotifyDue:
			return fmt.Sprintf("改善策 %v の期限は今日です", id),
				fmt.Sprintf("「%v」（INC-%v、%v）の期限は今日です。進捗を記録するか、レビューで期限を見直してください。", title, inc, prio)
		case NotifyEscalation:
			return fmt.Sprintf("改善策 %v は期限を %v 日過ぎています", id, d("days")),
				fmt.Sprintf("「%v」（INC-%v、%v、責任者 %v）の期限は %v でした。", title, inc, prio, d("owner"), due)
		case NotifyHandover:
			return fmt.Sprintf("改善策 %v があなたの担当になりました", id),
				fmt.Sprintf("%v さんから「%v」（INC-%v、%v、期限 %v）が引き継がれました。", d("previous"), title, inc, prio, due)
		}
	case "de":
		switch n.Kind {
		case NotifyReminder:
			return fmt.Sprintf("Maßnahme %v ist in %v Tagen fällig", id, d("days")),
				fmt.Sprintf("„%v“ (INC-%v, %v) ist am %v fällig. Sie sind dafür verantwortlich.", title, inc, prio, due)
		case NotifyDue:
			return fmt.Sprintf("Maßnahme %v ist heute fällig", id),
				fmt.Sprintf("„%v“ (INC-%v, %v) ist heute fällig. Erfassen Sie den Fortschritt oder verschieben Sie sie in der Review.", title, inc, prio)
		case NotifyEscalation:
			return fmt.Sprintf("Maßnahme %v ist %v Tage überfällig", id, d("days")),
				fmt.Sprintf("„%v“ (INC-%v, %v), verantwortlich %v, war am %v fällig.", title, inc, prio, d("owner"), due)
		case NotifyHandover:
			return fmt.Sprintf("Sie sind jetzt für Maßnahme %v verantwortlich", id),
				fmt.Sprintf("%v hat Ihnen „%v“ (INC-%v, %v, fällig am %v) übergeben.", d("previous"), title, inc, prio, due)
		}
	}
	return n.Subject, n.Text
}
