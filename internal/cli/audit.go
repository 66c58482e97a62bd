package cli

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"
	"unicode/utf8"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/vi"

	"github.com/spf13/cobra"
)

func (m *Main) auditCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Nhật ký thao tác: kiểm tra toàn vẹn, xem các mục"}
	cmd.AddCommand(m.auditVerifyCmd(), m.auditListCmd())
	return cmd
}

func (m *Main) auditVerifyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Kiểm tra chuỗi băm của nhật ký; báo mục đầu tiên bị sửa hoặc bị xoá (mã thoát 1)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return m.withApp(cmd.Context(), func(ctx context.Context, a *app.App) error {
				rep, err := a.VerifyAudit(ctx)
				if err != nil {
					return err
				}
				if rep.Break == nil {
					fmt.Fprintln(m.Stdout, ta("audit.ok", rep.Checked))
					return nil
				}
				return exitError{code: 1, msg: describeBreak(rep.Break) + " " + ta("audit.checked", rep.Checked)}
			})
		},
	}
}

// describeBreak names where the audit chain breaks, in one line.
func describeBreak(b *app.AuditBreak) string {
	e := b.Entry
	if e == nil {
		e = &kc.AuditEntry{}
	}
	at := vi.FormatDateTime(e.At)
	switch b.Reason {
	case "truncated":
		return ta("audit.truncated", b.MissingFrom)
	case "removed":
		if b.MissingFrom == b.MissingTo {
			return ta("audit.removed_one", b.MissingFrom, e.ID, at, e.Actor, e.Action, e.Entity, e.EntityID)
		}
		return ta("audit.removed", b.MissingFrom, b.MissingTo, e.ID, at, e.Actor, e.Action, e.Entity, e.EntityID)
	}
	return ta("audit.altered", e.ID, at, e.Actor, e.Action, e.Entity, e.EntityID)
}

func (m *Main) auditListCmd() *cobra.Command {
	var entity string
	var id int64
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Xem các mục nhật ký, mới nhất trước",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit <= 0 {
				return kc.Errorf(kc.EInvalid, "audit.bad_limit")
			}
			return m.withApp(cmd.Context(), func(ctx context.Context, a *app.App) error {
				es, err := a.ListAudit(ctx, entity, id, limit)
				if err != nil {
					return err
				}
				if len(es) == 0 {
					fmt.Fprintln(m.Stdout, ta("audit.none"))
					return nil
				}
				tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", ta("audit.col_id"), ta("audit.col_at"), ta("audit.col_actor"),
					ta("audit.col_action"), ta("audit.col_entity"), ta("audit.col_change"))
				for _, e := range es {
					change := e.After
					if change == "" {
						change = e.Before
					}
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s #%s\t%s\n", e.ID, vi.FormatDateTime(e.At), e.Actor, e.Action, e.Entity,
						strconv.FormatInt(e.EntityID, 10), auditClip(change, 80))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&entity, "entity", "", "chỉ các mục của loại đối tượng này (user, establishment, …)")
	cmd.Flags().Int64Var(&id, "id", 0, "số của đối tượng (cùng với --entity)")
	cmd.Flags().IntVar(&limit, "limit", 50, "số mục tối đa")
	return cmd
}

// auditClip shortens s to at most n runes, marking the cut with "…".
func auditClip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
