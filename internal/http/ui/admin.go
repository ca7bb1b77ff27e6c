package ui

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// The admin pages: users (create, change, sign-in links), API tokens and
// the notification outbox. Every handler refuses anyone but an admin.
// A new token or sign-in link is shown once, on the page that answers the
// form post: it is stored only as a hash and cannot be shown again.

type adminUser struct {
	hansei.User
	RoleText    string
	HasPassword bool // meaningful when adminUsersView.Passwords
}

type adminUsersView struct {
	Users     []adminUser
	Roles     []adminChoice
	Languages []adminChoice
	Zones     []string
	Passwords bool // the password column is known
	// Shown once, after a post: a new user's token and sign-in link, or a
	// new sign-in link for an existing user.
	Created *secretShown
	Link    *secretShown
	// Form is what was typed into the create form, kept after a refusal.
	Form hansei.User
}

type secretShown struct {
	User    string
	Token   string
	Link    string
	Expires time.Time
}

// adminChoice is an option of a select: the value sent and the words shown.
type adminChoice struct{ Value, Text string }

func roleText(v *viewer, r hansei.Role) string {
	return v.Word("user_role", string(r))
}

func roleChoices(v *viewer) []adminChoice {
	var out []adminChoice
	for _, r := range []hansei.Role{hansei.RoleViewer, hansei.RoleResponder, hansei.RoleAdmin} {
		out = append(out, adminChoice{string(r), roleText(v, r)})
	}
	return out
}

func deliveryStateText(v *viewer, state string) string {
	return v.Word("delivery_state", state)
}

func (s *Handler) loadAdminUsers(r *http.Request, v *viewer) (adminUsersView, error) {
	d := adminUsersView{Roles: roleChoices(v), Languages: s.languageChoices(), Zones: commonZones(),
		Form: hansei.User{Role: hansei.RoleResponder, Language: "en", TimeZone: "UTC"}}
	dir, err := s.app.Users.Directory(r.Context(), v.User)
	if err != nil {
		return d, err
	}
	d.Passwords = true
	for _, u := range dir.Users {
		d.Users = append(d.Users, adminUser{User: u, RoleText: roleText(v, u.Role), HasPassword: dir.WithPassword[u.Name]})
	}
	return d, nil
}

func (s *Handler) renderAdminUsers(w http.ResponseWriter, r *http.Request, v *viewer, d adminUsersView) error {
	v.Path = "/admin/users"
	return s.render(w, r, http.StatusOK, "admin_users", view{V: v, Title: v.T("common.users"), Nav: "admin", D: d})
}

func (s *Handler) adminUsersPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	d, err := s.loadAdminUsers(r, v)
	if err != nil {
		return err
	}
	return s.renderAdminUsers(w, r, v, d)
}

// signInURL is the address of a sign-in link on this server, as the
// browser reached it.
func signInURL(r *http.Request, token string) string {
	scheme := "http"
	if secureRequest(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/signin/link?token=" + url.QueryEscape(token)
}

// adminCreateUser creates a user and shows its first API token and a
// sign-in link, once.
func (s *Handler) adminCreateUser(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := r.PostForm
	u := hansei.User{Name: strings.TrimSpace(f.Get("name")), Role: hansei.Role(f.Get("role")),
		DisplayName: strings.TrimSpace(f.Get("display_name")), Email: strings.TrimSpace(f.Get("email")),
		Language: f.Get("language"), TimeZone: strings.TrimSpace(f.Get("time_zone"))}
	created, token, err := s.app.Users.Create(r.Context(), v.User, u)
	if err != nil {
		if status := httpx.StatusOf(err); status >= 500 || status == http.StatusForbidden {
			return err
		}
		// Show the form again with what was typed, and the reason on top.
		d, lerr := s.loadAdminUsers(r, v)
		if lerr != nil {
			return lerr
		}
		d.Form = u
		v.Path = "/admin/users"
		return s.render(w, r, httpx.StatusOf(err), "admin_users", view{V: v, Title: v.T("common.users"), Nav: "admin",
			Flash: &flash{Error: true, Text: v.errorText(err)}, D: d})
	}
	shown := &secretShown{User: created.Name, Token: token}
	var fl *flash
	if link, expires, err := s.app.Users.SignInLink(r.Context(), v.User, created.Name); err == nil {
		shown.Link, shown.Expires = signInURL(r, link), expires
	} else {
		// The token is shown only now: show it even without a link.
		s.log.Error("sign-in link for a new user failed", "user", created.Name, "err", err)
		fl = &flash{Error: true, Text: v.T("flash.user_created_no_link")}
	}
	d, err := s.loadAdminUsers(r, v)
	if err != nil {
		return err
	}
	d.Created = shown
	v.Path = "/admin/users"
	return s.render(w, r, http.StatusOK, "admin_users", view{V: v, Title: v.T("common.users"), Nav: "admin", Flash: fl, D: d})
}

// adminUserLink makes a new one-time sign-in link for a user.
func (s *Handler) adminUserLink(w http.ResponseWriter, r *http.Request, v *viewer) error {
	name := r.PathValue("name")
	link, expires, err := s.app.Users.SignInLink(r.Context(), v.User, name)
	if err != nil {
		return err
	}
	d, err := s.loadAdminUsers(r, v)
	if err != nil {
		return err
	}
	d.Link = &secretShown{User: name, Link: signInURL(r, link), Expires: expires}
	return s.renderAdminUsers(w, r, v, d)
}

// adminUpdateUser changes a user's role and settings.
func (s *Handler) adminUpdateUser(w http.ResponseWriter, r *http.Request, v *viewer) error {
	name := r.PathValue("name")
	f := r.PostForm
	c := hansei.UserChange{}
	for key, dst := range map[string]**string{"display_name": &c.DisplayName, "role": &c.Role, "language": &c.Language,
		"time_zone": &c.TimeZone, "email": &c.Email, "channel": &c.Channel} {
		if f.Has(key) {
			val := f.Get(key)
			*dst = &val
		}
	}
	if _, err := s.app.Users.Update(r.Context(), v.User, name, c); err != nil {
		return err
	}
	return redirect(w, r, "/admin/users#user-"+name, v.T("flash.user_settings_saved", "User", name))
}

type adminTokensView struct {
	Tokens  []hansei.TokenInfo
	Users   []string
	Created *secretShown
}

func (s *Handler) loadAdminTokens(r *http.Request, v *viewer) (adminTokensView, error) {
	var d adminTokensView
	var err error
	if d.Tokens, err = s.app.Users.Tokens(r.Context(), v.User); err != nil {
		return d, err
	}
	users, err := s.app.Users.All(r.Context())
	if err != nil {
		return d, err
	}
	for _, u := range users {
		d.Users = append(d.Users, u.Name)
	}
	return d, nil
}

func (s *Handler) adminTokensPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	d, err := s.loadAdminTokens(r, v)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "admin_tokens", view{V: v, Title: v.T("common.api_tokens"), Nav: "admin", D: d})
}

// adminCreateToken makes an API token for a user and shows it once.
func (s *Handler) adminCreateToken(w http.ResponseWriter, r *http.Request, v *viewer) error {
	name := r.PostForm.Get("user")
	token, err := s.app.Users.CreateToken(r.Context(), v.User, name, r.PostForm.Get("label"))
	if err != nil {
		return err
	}
	d, err := s.loadAdminTokens(r, v)
	if err != nil {
		return err
	}
	d.Created = &secretShown{User: name, Token: token}
	v.Path = "/admin/tokens"
	return s.render(w, r, http.StatusOK, "admin_tokens", view{V: v, Title: v.T("common.api_tokens"), Nav: "admin", D: d})
}

func (s *Handler) adminRevokeToken(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return s.pageErr(hansei.EINVALID, "id", "error.token_id_invalid", "ID", r.PathValue("id"))
	}
	if err := s.app.Users.RevokeToken(r.Context(), v.User, id); err != nil {
		return err
	}
	return redirect(w, r, "/admin/tokens", v.T("flash.token_revoked", "ID", id))
}

type adminOutboxView struct {
	State  string
	States []adminChoice
	Items  []outboxRow
	// Webhooks are the event webhooks, each with its recent attempts.
	Webhooks []webhookRow
}

// webhookRow is an event webhook on the outbox page: its URL shortened
// like a target's, and its newest attempts.
type webhookRow struct {
	hansei.WebhookEndpoint
	Target     string
	Deliveries []hansei.WebhookDelivery
}

type outboxRow struct {
	hansei.Delivery
	StateText string
	Kind      string
	To        string
}

func (s *Handler) adminOutboxPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	d := adminOutboxView{State: r.URL.Query().Get("state")}
	for _, st := range []string{"pending", "parked", "delivered"} {
		d.States = append(d.States, adminChoice{st, deliveryStateText(v, st)})
	}
	items, err := s.app.Notifications.Outbox(r.Context(), v.User, d.State)
	if err != nil {
		return err
	}
	for _, it := range items {
		row := outboxRow{Delivery: it, StateText: deliveryStateText(v, it.State)}
		row.Target = redactTarget(it.Target)
		var n hansei.Notification
		if json.Unmarshal(it.Payload, &n) == nil {
			row.Kind, row.To = n.Kind, strings.Join(n.To, ", ")
		}
		d.Items = append(d.Items, row)
	}
	hooks, err := s.app.Webhooks.List(r.Context(), v.User)
	if err != nil {
		return err
	}
	for _, h := range hooks {
		ds, err := s.app.Webhooks.Deliveries(r.Context(), v.User, h.ID)
		if err != nil {
			return err
		}
		d.Webhooks = append(d.Webhooks, webhookRow{WebhookEndpoint: h, Target: redactTarget(h.URL), Deliveries: ds})
	}
	return s.render(w, r, http.StatusOK, "admin_outbox", view{V: v, Title: v.T("common.outbox"), Nav: "admin", D: d})
}

func (s *Handler) adminRetryDelivery(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return s.pageErr(hansei.EINVALID, "id", "error.delivery_id_invalid", "ID", r.PathValue("id"))
	}
	if err := s.app.Notifications.Retry(r.Context(), v.User, id); err != nil {
		return err
	}
	return redirect(w, r, "/admin/outbox?state=pending", v.T("flash.delivery_queued_again", "ID", id))
}

// redactTarget hides what a URL carries beyond its host: a Slack incoming
// webhook's path is its secret, and a page is easier to show around than
// an API answer.
func redactTarget(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return target // an email address
	}
	if u.Path == "" || u.Path == "/" {
		return u.Scheme + "://" + u.Host
	}
	return u.Scheme + "://" + u.Host + "/…"
}
