package cli

import (
	"context"
	"fmt"

	"khuyencong/internal/store"

	"github.com/spf13/cobra"
)

func (m *Main) migrateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Xem và cập nhật cấu trúc cơ sở dữ liệu",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "status",
		Short: "Liệt kê các bản cập nhật cấu trúc và trạng thái đã áp dụng",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return m.withStore(cmd.Context(), func(st *store.Store) error {
				sts, err := st.MigrationStatuses(cmd.Context())
				if err != nil {
					return err
				}
				for _, s := range sts {
					state := "chưa áp dụng"
					if s.Applied {
						state = "đã áp dụng"
					}
					fmt.Fprintf(m.Stdout, "%05d  %-14s %s\n", s.Version, state, s.Source)
				}
				return nil
			})
		},
	}, &cobra.Command{
		Use:   "up",
		Short: "Áp dụng mọi bản cập nhật cấu trúc còn thiếu",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return m.withStore(cmd.Context(), func(st *store.Store) error {
				applied, err := st.Migrate(cmd.Context())
				if err != nil {
					return err
				}
				if len(applied) == 0 {
					fmt.Fprintln(m.Stdout, "Cơ sở dữ liệu đã ở phiên bản mới nhất.")
				}
				for _, v := range applied {
					fmt.Fprintf(m.Stdout, "Đã áp dụng %05d\n", v)
				}
				return nil
			})
		},
	})
	return cmd
}

// withStore opens the database without migrating it.
func (m *Main) withStore(ctx context.Context, fn func(*store.Store) error) error {
	st, err := store.Open(ctx, m.cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}
