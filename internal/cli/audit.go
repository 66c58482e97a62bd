package cli

import "github.com/spf13/cobra"

// STUB: replaced by the accounts work.
func (m *Main) auditCmd() *cobra.Command {
	return &cobra.Command{Use: "audit", Short: "Nhật ký thao tác"}
}
