package xlsx

import (
	"strings"

	"khuyencong/internal/locale"
	"khuyencong/internal/report"
)

// writeMain writes the first sheet: the header (issuer on the left,
// national title and motto on the right, number and place-date under
// them), the type and summary, the legal bases and addressees, the body
// in reading order, the recipients beside the signature, the footnote.
func (r *renderer) writeMain() error {
	f, s, d, sh := r.f, &r.st, &r.d, r.main
	if err := f.SetColWidth(sh, "A", "A", mainWidthA); err != nil {
		return err
	}
	if err := f.SetColWidth(sh, "B", "B", mainWidthB); err != nil {
		return err
	}
	if err := r.pageSetup(sh, false); err != nil {
		return err
	}
	r.row = 1
	steps := []func() error{
		func() error { return r.pair(d.ParentBody, s.parent, locale.T(lang, "doc.national_title"), s.national) },
		func() error { return r.pair(d.IssuingBody, s.issuer, locale.T(lang, "doc.motto"), s.motto) },
		func() error {
			number := ""
			if d.Number != "" {
				number = locale.T(lang, "doc.number", d.Number)
			}
			place := ""
			if !d.Date.IsZero() || d.Place != "" {
				place = d.PlaceDate()
			}
			return r.pair(number, s.number, place, s.placeDate)
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	r.row++
	if d.Draft {
		if err := r.full(locale.T(lang, "doc.draft"), s.draft); err != nil {
			return err
		}
	}
	if err := r.full(d.Type, s.docType); err != nil {
		return err
	}
	if err := r.full(d.Summary, s.summary); err != nil {
		return err
	}
	r.row++
	for _, b := range d.Bases {
		if err := r.full(b, s.basis); err != nil {
			return err
		}
	}
	switch len(d.Addressees) {
	case 0:
	case 1:
		if err := r.full(locale.T(lang, "doc.addressee")+" "+d.Addressees[0], s.addressee); err != nil {
			return err
		}
	default:
		if err := r.full(locale.T(lang, "doc.addressee"), s.addressee); err != nil {
			return err
		}
		for _, a := range d.Addressees {
			if err := r.full("- "+a+";", s.addressee); err != nil {
				return err
			}
		}
	}
	if len(d.Bases) > 0 || len(d.Addressees) > 0 {
		r.row++
	}
	for i, b := range d.Blocks {
		if err := r.block(i, b); err != nil {
			return err
		}
	}
	r.row++
	if err := r.closing(); err != nil {
		return err
	}
	if d.Footnote != "" {
		r.row++
		if err := r.full(d.Footnote, s.footnote); err != nil {
			return err
		}
	}
	return nil
}

// block writes one body block of the first sheet; a table or chart
// becomes a link to the sheet that holds it.
func (r *renderer) block(i int, b report.Block) error {
	s := &r.st
	switch b.Kind {
	case report.Heading:
		st := s.heading1
		switch {
		case b.Level == 2:
			st = s.heading2
		case b.Level >= 3:
			st = s.heading3
		}
		return r.full(b.Text, st)
	case report.Paragraph:
		return r.full(b.Text, s.paragraph)
	case report.Bullet:
		return r.full("- "+b.Text, s.bullet)
	case report.Note:
		return r.full(b.Text, s.note)
	case report.TableBlock:
		for _, ts := range r.tables {
			if ts.block == i {
				return r.link(locale.T(lang, "xlsx.see_sheet", ts.name), ts.name, "A1")
			}
		}
	case report.ChartBlock:
		for _, cp := range r.charts {
			if cp.block != i {
				continue
			}
			if cp.sheet == "" {
				return r.full(locale.T(lang, "xlsx.chart_empty", cp.c.Title), s.note)
			}
			return r.link(locale.T(lang, "xlsx.see_chart", cp.c.Title, cp.sheet), cp.sheet, cp.anchor)
		}
	}
	return nil
}

// closing writes "Nơi nhận:" with the recipients on the left and the
// signers on the right; with no recipients (minutes) the signers go side
// by side, two to a row.
func (r *renderer) closing() error {
	d, s := &r.d, &r.st
	signer := func(sg report.Signer) []cellText {
		out := []cellText{}
		if sg.Authority != "" {
			out = append(out, cellText{sg.Authority, s.signerAuthority})
		}
		out = append(out, cellText{sg.Title, s.signerAuthority}, cellText{}, cellText{}, cellText{}, cellText{sg.Name, s.signerName})
		return out
	}
	if len(d.Recipients) > 0 {
		var left, right []cellText
		left = append(left, cellText{locale.T(lang, "doc.recipients"), s.recipientsTitle})
		for _, rc := range d.Recipients {
			left = append(left, cellText{"- " + rc, s.recipient})
		}
		for i, sg := range d.Signers {
			if i > 0 {
				right = append(right, cellText{})
			}
			right = append(right, signer(sg)...)
		}
		return r.columns(left, right)
	}
	for i := 0; i < len(d.Signers); i += 2 {
		left := signer(d.Signers[i])
		var right []cellText
		if i+1 < len(d.Signers) {
			right = signer(d.Signers[i+1])
		}
		if err := r.columns(left, right); err != nil {
			return err
		}
		r.row++
	}
	return nil
}

// cellText is a text with its style.
type cellText struct {
	text  string
	style int
}

// columns writes two columns of lines side by side from the current row.
func (r *renderer) columns(left, right []cellText) error {
	for i := range max(len(left), len(right)) {
		var a, b cellText
		if i < len(left) {
			a = left[i]
		}
		if i < len(right) {
			b = right[i]
		}
		if err := r.pair(a.text, a.style, b.text, b.style); err != nil {
			return err
		}
	}
	return nil
}

// pair writes a row with a text in column A and one in column B.
func (r *renderer) pair(a string, sa int, b string, sb int) error {
	f, sh := r.f, r.main
	row := r.row
	r.row++
	n := 1
	for _, c := range []struct {
		col, text string
		style     int
		width     float64
	}{{"A", a, sa, mainWidthA}, {"B", b, sb, mainWidthB}} {
		cell := c.col + itoa(row)
		if c.text != "" {
			if err := f.SetCellStr(sh, cell, c.text); err != nil {
				return err
			}
			n = max(n, lines(c.text, c.width))
		}
		if c.style != 0 {
			if err := f.SetCellStyle(sh, cell, cell, c.style); err != nil {
				return err
			}
		}
	}
	if n > 1 {
		return f.SetRowHeight(sh, row, float64(n)*lineHeight)
	}
	return nil
}

// full writes text over the merged columns A:B of a new row, wrapped,
// with a row height that shows every line.
func (r *renderer) full(text string, style int) error {
	f, sh := r.f, r.main
	row := r.row
	r.row++
	a, b := "A"+itoa(row), "B"+itoa(row)
	if err := f.MergeCell(sh, a, b); err != nil {
		return err
	}
	if err := f.SetCellStr(sh, a, text); err != nil {
		return err
	}
	if err := f.SetCellStyle(sh, a, b, style); err != nil {
		return err
	}
	if n := lines(text, mainWidthA+mainWidthB-4); n > 1 {
		return f.SetRowHeight(sh, row, float64(n)*lineHeight)
	}
	return nil
}

// link writes a line that links to cell of sheet.
func (r *renderer) link(text, sheet, cell string) error {
	row := r.row
	if err := r.full(text, r.st.link); err != nil {
		return err
	}
	tip := strings.TrimSpace(sheet)
	return r.f.SetCellHyperLink(r.main, "A"+itoa(row), quoteSheet(sheet)+"!"+cell, "Location", hyperlinkTip(tip))
}
