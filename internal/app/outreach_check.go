package app

import (
	"context"

	"khuyencong/internal/kc"
)

// CheckCampaign returns the field errors saving campaign c would give for
// its own fields (title, topic, unit, period, budget, schemes), writing
// nothing. The web forms call it when some fields could not even be read
// (a day or an amount not understood), so that every problem is shown at
// once instead of one round at a time.
func (a *App) CheckCampaign(ctx context.Context, c kc.Campaign) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	errs, _, err := a.checkCampaign(ctx, p, &c)
	if err != nil {
		return err
	}
	return errs.Err()
}

// CheckSession is CheckCampaign for a session: the field errors AddSession
// (o.ID zero, in campaign o.CampaignID when set) or UpdateSession (o.ID
// set) would give before looking at its attendance, writing nothing.
func (a *App) CheckSession(ctx context.Context, o kc.OutreachSession) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	var camp *kc.Campaign
	var communes []int64
	var prevCommune int64
	switch {
	case o.ID != 0:
		before, _, err := a.visibleSession(ctx, p, o.ID)
		if err != nil {
			return err
		}
		prevCommune = before.CommuneID
		if camp, communes, err = a.sessionCampaign(ctx, before.CampaignID); err != nil {
			return err
		}
	case o.CampaignID != 0:
		c, cc, err := a.visibleCampaign(ctx, p, o.CampaignID)
		if err != nil {
			return err
		}
		camp, communes = &c, cc
	}
	errs, err := a.checkSession(ctx, p, &o, "", camp, communes, prevCommune)
	if err != nil {
		return err
	}
	return errs.Err()
}
