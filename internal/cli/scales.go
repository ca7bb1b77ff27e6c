package cli

import (
	"fmt"
	"strings"

	hansei "github.com/hansei-dev/hansei"
	"github.com/spf13/cobra"
)

func (env *cli) scalesCmd() *cobra.Command {
	var lang string
	cmd := withJSON(&cobra.Command{
		Use:   "scales",
		Short: "the severity and priority scales, with what each level means",
		Args:  wantArgs(0, "no arguments"),
	}, func(asJSON bool, _ []string) error { return env.scales(lang, asJSON) })
	cmd.Flags().StringVar(&lang, "lang", "", "language of names and definitions, such as ja or de")
	return cmd
}

func (env *cli) scales(lang string, asJSON bool) error {
	c, err := env.apiClient()
	if err != nil {
		return err
	}
	s, err := c.Scales(env.ctx, lang)
	return env.show(asJSON, s, err, func() error {
		for _, sc := range []hansei.Scale{s.Severity, s.Priority} {
			fmt.Fprintf(env.stdout, "%s\n", strings.ToUpper(sc.Kind))
			for _, l := range sc.Levels {
				fmt.Fprintf(env.stdout, "  %s  %s: %s\n", l.Key, l.Name, l.Definition)
				if l.Response != "" {
					fmt.Fprintln(env.stdout, "        "+env.p().T("cli.scales.response", "Response", l.Response))
				}
			}
		}
		if len(s.Roles) > 0 {
			fmt.Fprintln(env.stdout, "ROLES")
			for _, r := range s.Roles {
				fmt.Fprintf(env.stdout, "  %s  %s: %s\n", r.Name, r.Label, r.Description)
			}
		}
		return nil
	})
}
