package hansei

import "strings"

// ValidLanguageTag accepts short BCP 47 tags such as "en", "ja", "de" or
// "pt-BR": a 2 or 3 letter language, then optional subtags of 2 to 8
// letters or digits.
func ValidLanguageTag(tag string) bool {
	parts := strings.Split(tag, "-")
	for i, p := range parts {
		min, max := 2, 8
		if i == 0 {
			max = 3
		}
		if len(p) < min || len(p) > max {
			return false
		}
		for _, r := range p {
			letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
			digit := r >= '0' && r <= '9'
			if !letter && !(digit && i > 0) {
				return false
			}
		}
	}
	return true
}
