package cli

import "github.com/spf13/cobra"

// STUB: replaced by the accounts work.
func (m *Main) userCmd() *cobra.Command {
	return &cobra.Command{Use: "user", Short: "Tài khoản người dùng"}
}
