//go:build e2e

package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestNeedPhone registers a support need on a 360-px window without
// JavaScript and without signing in, for Xã Đakrông; the commune officer
// of Đakrông finds it in the list, links it to an establishment of the
// commune and answers; the producer follows it with the tracking code and
// sees the answer and the status. Every public page passes the phone
// checks (no sideways scrolling, 44-px targets, 16-px text, < 50 KB).
func TestNeedPhone(t *testing.T) {
	ctx := browser(t)
	base, _ := startServer(t)
	wait := 30 * time.Second
	watchConsole(t, ctx)
	noScriptPhone(t, ctx)

	// The programme information, then the form.
	within(t, ctx, wait, chromedp.Navigate(base+"/thong-tin"))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("ni-form")))
	shot(t, ctx, "/tmp/e2e-need-info-360.png")
	checkPhonePage(t, ctx, "information")
	follow(t, ctx, "open the form", chromedp.Click(chromedp.ID("ni-form")))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("nf-form")))
	checkPhonePage(t, ctx, "need form")

	commune := within(t, ctx, wait, chromedp.Evaluate[string](
		`[...document.querySelectorAll("#nf-commune option")].find(o => o.textContent.trim() === "Xã Đakrông")?.value || ""`))
	if commune == "" {
		t.Fatal("Xã Đakrông is not among the communes")
	}
	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID("nf-name"), "Hồ Thị Bhía"))
	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID("nf-phone"), "0912 345 678"))
	within(t, ctx, wait, chromedp.SetValue(chromedp.ID("nf-commune"), commune))
	within(t, ctx, wait, chromedp.SetValue(chromedp.ID("nf-trade"), "RUOU_MEN_LA"))
	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID("nf-need"), "Cần nồi chưng cất rượu bằng inox và học cách đóng chai."))
	within(t, ctx, wait, chromedp.Click(chromedp.ID("nf-consent")))
	shot(t, ctx, "/tmp/e2e-need-form-filled-360.png")
	time.Sleep(3 * time.Second) // a person takes longer than the form token's minimum
	follow(t, ctx, "send the need", chromedp.Click(chromedp.ID("nf-submit")))
	code := text(t, ctx, "nf-code")
	if !strings.HasPrefix(code, "NC-") || len(code) != 11 {
		t.Fatalf("no tracking code (%q); errors: %s", code, within(t, ctx, wait, chromedp.Evaluate[string](
			`[...document.querySelectorAll(".field-error, .error")].map(e => e.textContent.trim()).join(" | ")`)))
	}
	t.Logf("tracking code %s", code)
	shot(t, ctx, "/tmp/e2e-need-receipt-360.png")
	checkPhonePage(t, ctx, "receipt")

	// The commune officer, in a tab of their own.
	tab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	watchConsole(t, tab)
	login(t, tab, base, account{role: "commune_officer", username: "canbo.dakrong", password: "demo-commune-2026"})
	within(t, tab, wait, chromedp.Navigate(base+"/establishments"))
	est := within(t, tab, wait, chromedp.Evaluate[string](
		`(document.querySelector("#establishments tr[data-id] td a") || {textContent: ""}).textContent.trim()`))
	if est == "" {
		t.Fatal("the officer's registry shows no establishment")
	}
	within(t, tab, wait, chromedp.Navigate(base+"/nhu-cau?status=new"))
	row := `tr[data-code="` + code + `"]`
	if !exists(t, tab, row) {
		t.Fatalf("the request is not in the officer's list: %s", text(t, tab, "nl-total"))
	}
	if badge := within(t, tab, wait, chromedp.Evaluate[string](`document.querySelector(`+strconv.Quote(row+` .badge`)+`).textContent.trim()`)); badge != "Đã tiếp nhận" {
		t.Errorf("the list's badge says %q", badge)
	}
	follow(t, tab, "open the request", chromedp.Click(chromedp.CSS(row+` a`)))
	if phone := text(t, tab, "nd-phone"); strings.Contains(phone, "345 6") || phone == "" {
		t.Errorf("the phone is shown as %q, want it masked", phone)
	}
	within(t, tab, wait, chromedp.SendKeys(chromedp.ID("nd-q"), est))
	follow(t, tab, "search the registry", chromedp.Click(chromedp.ID("nd-search-go")))
	follow(t, tab, "link the establishment", chromedp.Click(chromedp.CSS(`#nd-matches button`)))
	if got := text(t, tab, "nd-establishment"); got != est {
		t.Errorf("linked to %q, want %q", got, est)
	}
	answer := "Xã sẽ đưa cơ sở vào đề án máy móc năm nay; mời chị lên UBND xã sáng thứ Hai."
	within(t, tab, wait, chromedp.SendKeys(chromedp.ID("nd-answer"), answer))
	follow(t, tab, "answer", chromedp.Click(chromedp.ID("nd-save")))
	if st := within(t, tab, wait, chromedp.Evaluate[string](`document.getElementById("nd-status").dataset.status`)); st != "answered" {
		t.Errorf("after answering the status is %q", st)
	}
	shot(t, tab, "/tmp/e2e-need-officer.png")

	// The producer follows the request with the code.
	within(t, ctx, wait, chromedp.Navigate(base+"/tra-cuu"))
	checkPhonePage(t, ctx, "lookup form")
	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID("nt-code"), strings.ToLower(code)))
	follow(t, ctx, "look the code up", chromedp.Click(chromedp.ID("nt-submit")))
	if st := text(t, ctx, "nt-status"); st != "Đã trả lời" {
		t.Errorf("the lookup says %q", st)
	}
	if got := text(t, ctx, "nt-answer"); got != answer {
		t.Errorf("the lookup's answer is %q", got)
	}
	if body := within(t, ctx, wait, chromedp.Evaluate[string](`document.body.textContent`)); strings.Contains(body, "345") || strings.Contains(body, "Bhía") {
		t.Error("the lookup shows the phone or the name")
	}
	shot(t, ctx, "/tmp/e2e-need-lookup-360.png")
	checkPhonePage(t, ctx, "lookup answer")
}
