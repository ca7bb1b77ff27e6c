package hansei

// Msg is a message by ID with its named arguments: what the domain gives
// an adapter to print in its reader's language where it would otherwise
// write English. It satisfies the i18n package's Localizable by method
// shape. The zero Msg says nothing: the English text beside it stands.
type Msg struct {
	ID   string
	Args map[string]any
}

// MessageID is the message's ID.
func (m Msg) MessageID() string { return m.ID }

// MessageArgs are the message's arguments by name.
func (m Msg) MessageArgs() map[string]any { return m.Args }

// says is a Msg from an ID and name and value pairs.
func says(id string, args ...any) Msg {
	m := Msg{ID: id, Args: map[string]any{}}
	for i := 0; i+1 < len(args); i += 2 {
		if name, ok := args[i].(string); ok {
			m.Args[name] = args[i+1]
		}
	}
	return m
}
