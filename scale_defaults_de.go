package hansei

// defaultLevelsDE are the built-in levels' criteria, expected response,
// who is paged and examples in German, by level key.
func defaultLevelsDE() map[string]Translation {
	return map[string]Translation{
		"SEV1": {
			Criteria: []string{
				"Fehlerquote für Kunden über 25 % oder eine Kernfunktion nicht verfügbar, 5 Minuten oder länger",
				"jeder bestätigte oder vermutete Verlust, jede Beschädigung oder Offenlegung von Kundendaten",
				"ein laufender Sicherheitsvorfall",
			},
			Response: "Sofort die Rufbereitschaft alarmieren und innerhalb von 15 Minuten eine Einsatzleitung benennen; alle Nötigen arbeiten Tag und Nacht daran, bis die Auswirkung eingedämmt ist; die Statusseite wird innerhalb von 15 Minuten und danach mindestens alle 30 Minuten aktualisiert.",
			Pages:    "die Rufbereitschaft der betroffenen Dienste (primär und sekundär), die diensthabende Einsatzleitung und die Kommunikationsverantwortlichen",
			Examples: []string{
				"Der Bezahlvorgang schlägt für alle Kunden in der EU-Region fehl.",
				"Ein Datenbank-Failover hat die Schreibvorgänge der letzten 20 Minuten verloren.",
				"Kundendatensätze lassen sich ohne Anmeldung lesen.",
			},
		},
		"SEV2": {
			Criteria: []string{
				"Fehlerquote für Kunden über 5 %, 5 Minuten oder länger",
				"95.-Perzentil-Latenz einer Kernfunktion über dem Dreifachen des Normalwerts, 15 Minuten oder länger",
				"eine Kernfunktion in einer Region oder für einen Großkunden nicht verfügbar",
			},
			Response: "Sofort die Rufbereitschaft alarmieren; die Arbeit geht außerhalb der Arbeitszeit weiter, bis die Auswirkung eingedämmt ist; die Statusseite wird innerhalb von 30 Minuten und danach mindestens stündlich aktualisiert.",
			Pages:    "die primäre Rufbereitschaft der betroffenen Dienste und die diensthabende Einsatzleitung",
			Examples: []string{
				"Jede zehnte Suchanfrage läuft in eine Zeitüberschreitung.",
				"Zahlungen mit einem Kartennetz schlagen fehl.",
				"Single Sign-on schlägt für Kunden eines Identitätsanbieters fehl.",
			},
		},
		"SEV3": {
			Criteria: []string{
				"Fehlerquote für Kunden zwischen 1 % und 5 %, oder über 5 % bei einer Funktion, die keine Kernfunktion ist",
				"weniger als 1 % der Kunden betroffen, und es gibt eine Umgehung",
				"Redundanz verloren, noch ohne Auswirkung auf Kunden, etwa eine von zwei Datenbankreplikaten ausgefallen",
			},
			Response: "Keine Alarmierung: Das zuständige Team wird benachrichtigt und beginnt noch am selben Arbeitstag während der Arbeitszeit; bei Verschlechterung wird daraus SEV2.",
			Pages:    "niemand; der Kanal des zuständigen Teams wird benachrichtigt",
			Examples: []string{
				"Der CSV-Export von Berichten schlägt fehl; die Berichte lassen sich weiterhin ansehen.",
				"Benachrichtigungs-E-Mails kommen bis zu einer Stunde verspätet an.",
				"Eine von drei Verfügbarkeitszonen ist gestört, und die anderen bedienen den gesamten Verkehr.",
			},
		},
		"SEV4": {
			Criteria: []string{
				"keine messbare Auswirkung auf Kunden",
				"ein internes Werkzeug ist beeinträchtigt, mit einer Umgehung",
				"ein Fehler, der abgefangen wurde, bevor er Kunden erreichte (Beinahe-Vorfall)",
			},
			Response: "Keine Alarmierung: Er wird erfasst und während der Arbeitszeit in der normalen Planung des Teams bearbeitet; ein kurzer Postmortem-Bericht hält fest, was gelernt wurde.",
			Pages:    "niemand",
			Examples: []string{
				"Ein Tippfehler auf der Statusseite.",
				"Eine Canary-Prüfung hat ein Deployment zurückgerollt, bevor Kundenverkehr es erreichte.",
				"Das interne Metrik-Dashboard braucht 30 Sekunden zum Laden.",
			},
		},
		"P0": {
			Criteria: []string{
				"ohne sie tritt der Incident wahrscheinlich innerhalb von Tagen erneut auf",
				"sie schließt eine ausnutzbare Sicherheitslücke oder stoppt einen laufenden Datenverlust",
				"die Eindämmung des Incidents ist vorläufig und hört auf zu wirken, etwa eine Festplatte, die innerhalb von 48 Stunden wieder voll ist",
			},
			Response: "Die verantwortliche Person beginnt sofort, lässt andere Arbeit liegen und arbeitet auch außerhalb der Arbeitszeit weiter, bis es erledigt oder das Risiko beseitigt ist; der Fortschritt wird täglich geprüft.",
			Pages:    "die verantwortliche Person, und die Rufbereitschaft ihres Teams, wenn sie nicht innerhalb einer Stunde beginnen kann",
			Examples: []string{
				"Dem Datenbankserver Speicherplatz hinzufügen, der in zwei Tagen wieder voll wäre.",
				"Den API-Schlüssel widerrufen, der in einem öffentlichen Repository veröffentlicht wurde.",
			},
		},
		"P1": {
			Criteria: []string{
				"ohne sie tritt der Incident wahrscheinlich innerhalb von Wochen erneut auf",
				"sie beseitigt eine Ursache eines SEV1- oder SEV2-Incidents oder ergänzt eine fehlende Schutzmaßnahme",
				"sie behebt einen Alarm oder ein Runbook, das während des Incidents versagt hat",
			},
			Response: "Noch in dieser Woche vor Projektarbeit eingeplant und während der Arbeitszeit bearbeitet; der Fortschritt wird bei jeder Folgeprüfung geprüft.",
			Pages:    "niemand; die verantwortliche Person wird benachrichtigt",
			Examples: []string{
				"Einen Alarm für die Replikationsverzögerung einrichten, die 40 Minuten unbemerkt blieb.",
				"Den Endpunkt drosseln, dessen Verkehr die Datenbank überlastet hat.",
				"Den Runbook-Schritt korrigieren, der den falschen Cluster nannte.",
			},
		},
		"P2": {
			Criteria: []string{
				"sie verkürzt die Erkennung oder die Auswirkung eines ähnlichen Incidents, aber eine baldige Wiederholung wird nicht erwartet",
				"sie geht einen beitragenden Faktor eines SEV3- oder SEV4-Incidents an",
				"sie braucht mehr als einen Arbeitstag oder ein anderes Team",
			},
			Response: "In den nächsten Planungszyklus des Teams aufgenommen und während der Arbeitszeit bearbeitet; der Fortschritt wird bei Folgeprüfungen geprüft.",
			Pages:    "niemand; die verantwortliche Person wird benachrichtigt",
			Examples: []string{
				"Den manuellen Failover-Schritt automatisieren, der 20 Minuten dauerte.",
				"Einen Lasttest für den Bezahlvorgang hinzufügen.",
				"Jedem Dienst eigene Datenbank-Zugangsdaten geben.",
			},
		},
		"P3": {
			Criteria: []string{
				"sie würde einen ähnlichen Incident etwas kürzer oder leichter handhabbar machen",
				"kein Risiko einer Wiederholung ist bekannt",
				"ihre Kosten sind hoch im Vergleich zum erwarteten Nutzen",
			},
			Response: "Kommt ins Backlog; mindestens jedes Quartal wird sie auf P2 angehoben oder mit Begründung als „wird nicht gemacht“ geschlossen.",
			Pages:    "niemand",
			Examples: []string{
				"Das Deploy-Skript in einer Sprache neu schreiben, die das Team pflegt.",
				"Die Farben der Dashboards über alle Dienste vereinheitlichen.",
			},
		},
	}
}
