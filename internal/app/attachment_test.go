package app_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// Minimal contents that content sniffing recognises.
var (
	samplePNG  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
	sampleJPEG = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
	sampleWebP = []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00")
	samplePDF  = []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
)

// officeFile returns a zip archive with the OOXML content types part and
// the given parts, as an XLSX or DOCX file is.
func officeFile(t testing.TB, parts ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range append([]string{"[Content_Types].xml"}, parts...) {
		w, err := zw.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, "<x>%s</x>", p)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDetectAttachmentType(t *testing.T) {
	xlsx, docx := officeFile(t, "xl/workbook.xml"), officeFile(t, "word/document.xml")
	cases := []struct {
		name string
		file string
		data []byte
		want string // content type, or the error key
	}{
		{"png", "anh.png", samplePNG, "image/png"},
		{"jpeg with upper-case extension", "ANH.JPG", sampleJPEG, "image/jpeg"},
		{"jpeg", "anh.jpeg", sampleJPEG, "image/jpeg"},
		{"webp", "anh.webp", sampleWebP, "image/webp"},
		{"pdf", "giay-phep.pdf", samplePDF, "application/pdf"},
		{"xlsx", "so-lieu.xlsx", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"docx", "bao-cao.docx", docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"executable", "setup.exe", []byte("MZ\x90\x00"), "record.file.type_not_allowed"},
		{"text", "ghi-chu.txt", []byte("xin chào"), "record.file.type_not_allowed"},
		{"no extension", "README", []byte("xin chào"), "record.file.type_not_allowed"},
		{"html named png", "anh.png", []byte("<html><script>alert(1)</script></html>"), "record.file.content_mismatch"},
		{"pdf named jpg", "anh.jpg", samplePDF, "record.file.content_mismatch"},
		{"docx named xlsx", "so-lieu.xlsx", docx, "record.file.content_mismatch"},
		{"plain zip named docx", "bao-cao.docx", officeFile(t), "record.file.content_mismatch"},
		{"xls (old format) refused", "so-lieu.xls", []byte("\xd0\xcf\x11\xe0"), "record.file.type_not_allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := app.DetectAttachmentType(c.file, c.data)
			if err != nil {
				e := kc.AsError(err)
				if e.Key != c.want || e.Field != "file" || e.Code != kc.EInvalid {
					t.Errorf("error %v, want key %s on file", err, c.want)
				}
				return
			}
			if got != c.want {
				t.Errorf("type %q, want %q", got, c.want)
			}
		})
	}
}

func TestCleanFileName(t *testing.T) {
	long := strings.Repeat("ả", 300) + ".pdf"
	cases := []struct{ in, want string }{
		{"Ảnh xưởng.jpg", "Ảnh xưởng.jpg"},
		{`C:\Users\lan\Ảnh.png`, "Ảnh.png"},
		{"../../etc/passwd.pdf", "passwd.pdf"},
		{"a\x00b\r\n\"c\".pdf", "ab c.pdf"}, // white space collapses to one space
		{"  ", ""},
		{"A\u0309nh.jpg", "Ảnh.jpg"}, // NFD input
	}
	for _, c := range cases {
		if got := app.CleanFileName(c.in); got != c.want {
			t.Errorf("CleanFileName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	got := app.CleanFileName(long)
	if n := len([]rune(got)); n != 200 || !strings.HasSuffix(got, ".pdf") {
		t.Errorf("long name cut to %d characters: …%s", n, got[len(got)-8:])
	}
}

func TestAttachmentsScopedAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := apptest.NewScope(t, st)
		ctx := t.Context()
		a, b, viewer := f.As(t, ctx, apptest.OfficerA), f.As(t, ctx, apptest.OfficerB), f.As(t, ctx, apptest.Viewer)
		est := f.EstA.ID
		// A marker inside the file that must never reach the audit log.
		content := append(slices.Clone(samplePDF), []byte("MARKER-0912345678")...)
		sum := sha256.Sum256(content)

		file, err := f.App.AddAttachment(a, est, "Giấy phép.pdf", content)
		if err != nil {
			t.Fatal(err)
		}
		if file.ContentType != "application/pdf" || file.Size != int64(len(content)) || file.SHA256 != hex.EncodeToString(sum[:]) || file.CreatedByName != "Cán bộ xã An Phú" {
			t.Errorf("added %+v", file)
		}
		cases := []struct {
			name string
			do   func() error
			code string
			key  string
		}{
			{"officer B cannot upload to A", func() error { _, err := f.App.AddAttachment(b, est, "x.pdf", samplePDF); return err }, kc.ENotFound, ""},
			{"scope is checked before the file", func() error { _, err := f.App.AddAttachment(b, est, "x.exe", nil); return err }, kc.ENotFound, ""},
			{"viewer cannot upload", func() error { _, err := f.App.AddAttachment(viewer, est, "x.pdf", samplePDF); return err }, kc.EForbidden, ""},
			{"empty file", func() error { _, err := f.App.AddAttachment(a, est, "x.pdf", nil); return err }, kc.EInvalid, "record.file.empty"},
			{"no name", func() error { _, err := f.App.AddAttachment(a, est, " / ", samplePDF); return err }, kc.EInvalid, "record.file.required"},
			{"too large", func() error {
				big := make([]byte, app.MaxAttachmentSize+1)
				copy(big, samplePDF)
				_, err := f.App.AddAttachment(a, est, "big.pdf", big)
				return err
			}, kc.EInvalid, "record.file.too_large"},
			{"type not allowed", func() error { _, err := f.App.AddAttachment(a, est, "x.exe", []byte("MZ")); return err }, kc.EInvalid, "record.file.type_not_allowed"},
			{"officer B cannot list A's files", func() error { _, err := f.App.ListAttachments(b, est); return err }, kc.ENotFound, ""},
			{"officer B cannot download A's file", func() error { _, err := f.App.GetAttachment(b, est, file.ID); return err }, kc.ENotFound, ""},
			{"A's file is not found through B's record", func() error {
				_, err := f.App.GetAttachment(f.As(t, ctx, apptest.Province), f.EstB.ID, file.ID)
				return err
			}, kc.ENotFound, ""},
			{"officer B cannot delete A's file", func() error { return f.App.DeleteAttachment(b, est, file.ID) }, kc.ENotFound, ""},
			{"viewer cannot delete", func() error { return f.App.DeleteAttachment(viewer, est, file.ID) }, kc.EForbidden, ""},
			{"viewer may download", func() error {
				got, err := f.App.GetAttachment(viewer, est, file.ID)
				if err == nil && !bytes.Equal(got.Data, content) {
					return fmt.Errorf("downloaded %d bytes", len(got.Data))
				}
				return err
			}, "", ""},
			{"viewer may list", func() error {
				list, err := f.App.ListAttachments(viewer, est)
				if err == nil && (len(list) != 1 || list[0].ID != file.ID || list[0].Data != nil) {
					return fmt.Errorf("list %+v", list)
				}
				return err
			}, "", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := c.do()
				if kc.ErrorCode(err) != c.code {
					t.Fatalf("error %v, want code %q", err, c.code)
				}
				if c.key != "" {
					if e := kc.AsError(err); e.Key != c.key || e.Field != "file" {
						t.Errorf("error %v, want key %s on file", err, c.key)
					}
				}
			})
		}
		if err := f.App.DeleteAttachment(a, est, file.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.App.DeleteAttachment(a, est, file.ID); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("second delete: %v", err)
		}
		entries, err := st.ListAudit(ctx, "establishment_file", est, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Action != kc.ActionDelete || entries[1].Action != kc.ActionCreate || entries[1].Actor != apptest.OfficerA {
			t.Fatalf("audit entries %+v", entries)
		}
		for _, e := range entries {
			text := e.Before + e.After
			for _, want := range []string{`"file_name":"Giấy phép.pdf"`, `"sha256":"` + file.SHA256 + `"`, fmt.Sprintf(`"size":%d`, len(content))} {
				if !strings.Contains(text, want) {
					t.Errorf("%s entry %s lacks %s", e.Action, text, want)
				}
			}
			if strings.Contains(text, "MARKER") {
				t.Errorf("%s entry holds the file contents: %s", e.Action, text)
			}
		}
	})
}

func TestRecordTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := apptest.NewScope(t, st)
		ctx := t.Context()
		a, b, viewer := f.As(t, ctx, apptest.OfficerA), f.As(t, ctx, apptest.OfficerB), f.As(t, ctx, apptest.Viewer)
		const phone, newPhone, pid = "0912345678", "0987654321", "001234567890"
		e, err := f.App.CreateEstablishment(a, kc.Establishment{Kind: kc.KindHousehold, Name: "Hộ mây tre", CommuneID: f.CommuneA.ID, Phone: phone, PersonalID: pid, OwnerName: "Hồ Thị Lan"})
		if err != nil {
			t.Fatal(err)
		}
		name, np := "Hộ mây tre Lan", newPhone
		if _, err := f.App.UpdateEstablishment(a, e.ID, kc.EstablishmentUpdate{Name: &name, Phone: &np}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.App.PutFact(a, kc.EstablishmentFact{EstablishmentID: e.ID, Year: 2025, Workers: 5, Revenue: 100_000_000}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.App.PutFact(a, kc.EstablishmentFact{EstablishmentID: e.ID, Year: 2025, Workers: 6, Revenue: 100_000_000}); err != nil {
			t.Fatal(err)
		}
		cert, err := f.App.AddCertificate(a, kc.Certificate{EstablishmentID: e.ID, Kind: kc.CertOCOP, Stars: 4, Product: "Giỏ mây", Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.App.DeleteCertificate(a, e.ID, cert.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.App.AddAttachment(a, e.ID, "anh.png", samplePNG); err != nil {
			t.Fatal(err)
		}
		if _, err := f.App.RevealPersonal(a, e.ID, "gọi điện hẹn khảo sát"); err != nil {
			t.Fatal(err)
		}
		// Another establishment's history stays out.
		if _, err := f.App.PutFact(a, kc.EstablishmentFact{EstablishmentID: f.EstA.ID, Year: 2025, Workers: 1}); err != nil {
			t.Fatal(err)
		}

		if _, err := f.App.RecordTrail(b, e.ID, 50); kc.ErrorCode(err) != kc.ENotFound {
			t.Fatalf("officer B reads A's trail: %v", err)
		}
		trail, err := f.App.RecordTrail(viewer, e.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		type line struct {
			Action, Entity string
			Fields         []string
			Year           int
			FileName       string
		}
		var got []line
		for _, te := range trail {
			got = append(got, line{te.Action, te.Entity, te.Fields, te.Year, te.FileName})
			if te.Actor != apptest.OfficerA || te.At.IsZero() {
				t.Errorf("entry %+v", te)
			}
			if s := fmt.Sprint(te); strings.Contains(s, "345678") || strings.Contains(s, "654321") || strings.Contains(s, "567890") || strings.Contains(s, "khảo sát") {
				t.Errorf("trail entry shows a personal value or the reason: %s", s)
			}
		}
		want := []line{
			{kc.ActionReveal, "establishment", []string{"Phone", "PersonalID", "OwnerEthnicity"}, 0, ""},
			{kc.ActionCreate, "establishment_file", nil, 0, "anh.png"},
			{kc.ActionDelete, "certificate", nil, 0, ""},
			{kc.ActionCreate, "certificate", []string{"Kind", "Stars", "Product", "Year"}, 0, ""},
			{kc.ActionUpdate, "establishment_fact", []string{"Workers"}, 2025, ""},
			{kc.ActionCreate, "establishment_fact", []string{"Year", "Workers", "Revenue", "Source"}, 2025, ""},
			{kc.ActionUpdate, "establishment", []string{"Name", "Phone"}, 0, ""},
		}
		if len(got) != len(want)+1 {
			t.Fatalf("trail has %d entries, want %d: %+v", len(got), len(want)+1, got)
		}
		for i, w := range want {
			g := got[i]
			if g.Action != w.Action || g.Entity != w.Entity || !slices.Equal(g.Fields, w.Fields) || g.Year != w.Year || g.FileName != w.FileName {
				t.Errorf("entry %d = %+v, want %+v", i, g, w)
			}
		}
		if last := got[len(got)-1]; last.Action != kc.ActionCreate || last.Entity != "establishment" ||
			!slices.Contains(last.Fields, "Name") || !slices.Contains(last.Fields, "Phone") || !slices.Contains(last.Fields, "OwnerName") {
			t.Errorf("creation entry %+v", last)
		}
		if short, _ := f.App.RecordTrail(viewer, e.ID, 3); len(short) != 3 {
			t.Errorf("limit 3 gave %d entries", len(short))
		}
	})
}
