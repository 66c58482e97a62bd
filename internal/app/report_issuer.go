package app

import (
	"context"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/report"
)

// Document type abbreviations of Decree 30/2020 Phụ lục III, used in the
// number and symbol ("Số:      /BC-SCT").
const (
	DocReport   = "BC" // báo cáo
	DocPlan     = "KH" // kế hoạch
	DocDecision = "QĐ" // quyết định
	DocMinutes  = "BB" // biên bản
)

// docHeader returns a document with the header of one issued today about
// unit u: a current commune issues its own documents (Ủy ban nhân dân xã),
// anything wider or former is issued by the provincial Department of
// Industry and Trade of the province that covers it today. The number is
// left blank for the clerk ("     /BC-SCT"), and the signer's name too.
func (a *App) docHeader(ctx context.Context, u kc.Unit, abbr string) (report.Document, error) {
	d := report.Document{Date: a.today().Time()}
	province, err := a.provinceToday(ctx, u)
	if err != nil {
		return d, err
	}
	if u.Current() && u.Level == kc.LevelCommune {
		d.IssuingBody = locale.T("vi", "doc.commune_body", strings.ToUpper(u.Type+" "+u.Name))
		d.Number = "     /" + abbr + "-UBND"
		d.Place = bareName(u)
		d.Signers = []report.Signer{{Authority: locale.T("vi", "doc.commune_authority"), Title: locale.T("vi", "doc.commune_signer")}}
		return d, nil
	}
	if province.ID != 0 {
		d.ParentBody = locale.T("vi", "doc.province_parent", strings.ToUpper(bareName(province)))
		d.Place = bareName(province)
	}
	d.IssuingBody = locale.T("vi", "doc.province_body")
	d.Number = "     /" + abbr + "-SCT"
	d.Signers = []report.Signer{{Authority: locale.T("vi", "doc.province_authority"), Title: locale.T("vi", "doc.province_signer")}}
	return d, nil
}

// bareName is a unit's name without its type: "Quảng Trị" for "Tỉnh
// Quảng Trị", "Đakrông" for "Xã Đakrông".
func bareName(u kc.Unit) string {
	return strings.TrimSpace(strings.TrimPrefix(u.Name, u.Type+" "))
}

// provinceToday returns the province in force today that covers u: its
// own province up the parent chain, followed through successions when
// that province was merged (Quảng Bình and the old Quảng Trị → Quảng Trị).
// A zero unit means none was found (the header then names no province).
func (a *App) provinceToday(ctx context.Context, u kc.Unit) (kc.Unit, error) {
	det, err := a.Store.UnitDetail(ctx, u.ID)
	if err != nil {
		return kc.Unit{}, err
	}
	p := det.Unit
	for _, parent := range det.Parents {
		p = parent
	}
	for range 4 { // a province is merged at most a few times
		if p.Level == kc.LevelProvince && p.Current() {
			return p, nil
		}
		det, err = a.Store.UnitDetail(ctx, p.ID)
		if err != nil || len(det.Successors) == 0 {
			return kc.Unit{}, err
		}
		p = det.Successors[0].Unit
	}
	return kc.Unit{}, nil
}
