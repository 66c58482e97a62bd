package cli

import "github.com/spf13/cobra"

// STUB: replaced by the units work.
func (m *Main) unitsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "units", Short: "Đơn vị hành chính"}
	return cmd
}
