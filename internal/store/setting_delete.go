package store

import (
	"context"
	"fmt"
)

// DeleteSetting removes a setting, so that its default applies again;
// removing a setting that is not stored is not an error.
func (tx *Tx) DeleteSetting(ctx context.Context, key string) error {
	if _, err := tx.exec(ctx, "DELETE FROM setting WHERE key = $1", key); err != nil {
		return fmt.Errorf("store: delete setting %s: %w", key, err)
	}
	return nil
}
