package cli

import "github.com/spf13/cobra"

// STUB: replaced by the demo work.
func (m *Main) demoCmd() *cobra.Command {
	return &cobra.Command{Use: "demo", Short: "Dữ liệu mẫu"}
}
