package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/sheet"
	"khuyencong/internal/vi"
)

// The web import of establishment files. An upload becomes a job held in
// memory on the server (the file's bytes, the decisions taken so far and
// the result of the last run), owned by the uploading account and
// addressed by an unguessable id. Every run is ImportEstablishments on the
// same bytes in a goroutine, so the page can show its progress; a dry run
// with the decisions comes first, then the real import, which the app
// makes all-or-nothing. The job URLs carry a "jobs" segment because
// "/establishments/import/{job}" would overlap "/establishments/{id}/edit"
// (ServeMux rejects such patterns).

// Limits of the web import.
const (
	// importMaxBytes caps an upload (the whole multipart body).
	importMaxBytes = 20 << 20
	// importJobIdle is how long a job is kept after its last use.
	importJobIdle = 30 * time.Minute
	// importJobsPerUser bounds the jobs one account holds at once; the
	// oldest idle one makes room for a new upload.
	importJobsPerUser = 3
	// importJobsMax bounds the jobs of all accounts together (each holds
	// its file and the table read from it).
	importJobsMax = 20
	// importRunning is the number of imports that run at the same time;
	// the others wait for a slot (SQLite has one writer, the server two
	// cores).
	importRunning = 1
	// importShownErrors is the number of errors listed on the page; the
	// report has them all.
	importShownErrors = 200
	// importPollInterval is how often the job page asks for progress.
	importPollInterval = "500ms"
)

// importPath is the path of the upload form; job pages live below it.
const importPath = "/establishments/import"

// importQuestions maps the import errors that ask the user for a decision
// to the web wording of their message (same arguments as the app's, which
// tell command-line users to use --decide).
var importQuestions = map[string]string{
	"import.commune_split":       "webimport.q.commune_split",
	"import.commune_ambiguous":   "webimport.q.commune_ambiguous",
	"import.duplicate_in_file":   "webimport.q.duplicate_in_file",
	"import.duplicate_registry":  "webimport.q.duplicate_registry",
	"import.merge_not_duplicate": "",
}

// importJob is one uploaded file and the state of its runs. mu guards
// every field below it.
type importJob struct {
	id     string
	userID int64
	name   string // the file name as uploaded (base name, NFC)
	data   []byte
	year   int // fact year of rows without one

	mu        sync.Mutex
	used      time.Time // last access, for expiry
	running   bool
	waiting   bool   // running, but waiting for a free slot
	phase     string // read | check | write
	done      int
	total     int
	checked   bool // the check pass reached its last row
	dryRun    bool // the current or last run is a dry run
	decisions map[int]map[string]string
	// ran are the decisions of the current or last run, flattened.
	ran map[int]string
	res app.ImportResult
	err error // file-level problem of the last run
}

// importJobs is the server's registry of import jobs.
type importJobs struct {
	mu    sync.Mutex
	jobs  map[string]*importJob
	slots chan struct{}
	now   func() time.Time // wall clock, replaceable in tests
}

func newImportJobs() *importJobs {
	return &importJobs{jobs: map[string]*importJob{}, slots: make(chan struct{}, importRunning), now: time.Now}
}

// expireLocked drops the idle jobs unused for importJobIdle; r.mu is held.
func (r *importJobs) expireLocked() {
	now := r.now()
	for id, j := range r.jobs {
		j.mu.Lock()
		stale := !j.running && now.Sub(j.used) > importJobIdle
		j.mu.Unlock()
		if stale {
			delete(r.jobs, id)
		}
	}
}

// oldestIdleLocked returns the idle job used longest ago among those that
// keep returns true for, or nil; r.mu is held.
func (r *importJobs) oldestIdleLocked(keep func(*importJob) bool) *importJob {
	var old *importJob
	var oldUsed time.Time
	for _, j := range r.jobs {
		if !keep(j) {
			continue
		}
		j.mu.Lock()
		idle, used := !j.running, j.used
		j.mu.Unlock()
		if idle && (old == nil || used.Before(oldUsed)) {
			old, oldUsed = j, used
		}
	}
	return old
}

// add registers a new job, making room by dropping the owner's (then
// anyone's) oldest idle job; it fails when every job in the way is running.
func (r *importJobs) add(j *importJob) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.expireLocked()
	mine := 0
	for _, o := range r.jobs {
		if o.userID == j.userID {
			mine++
		}
	}
	if mine >= importJobsPerUser {
		old := r.oldestIdleLocked(func(o *importJob) bool { return o.userID == j.userID })
		if old == nil {
			return kc.Errorf(kc.ERateLimited, "webimport.too_many", importJobsPerUser)
		}
		delete(r.jobs, old.id)
	}
	if len(r.jobs) >= importJobsMax {
		old := r.oldestIdleLocked(func(*importJob) bool { return true })
		if old == nil {
			return kc.Errorf(kc.ERateLimited, "webimport.busy")
		}
		delete(r.jobs, old.id)
	}
	j.id = rand.Text()
	j.used = r.now()
	r.jobs[j.id] = j
	return nil
}

// get returns the job with id owned by userID and marks it used; a job of
// another account is as missing as an expired one.
func (r *importJobs) get(id string, userID int64) (*importJob, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.expireLocked()
	j, ok := r.jobs[id]
	if !ok || j.userID != userID {
		return nil, false
	}
	j.mu.Lock()
	j.used = r.now()
	j.mu.Unlock()
	return j, true
}

func (s *Server) importRoutes() {
	s.imports = newImportJobs()
	s.mux.HandleFunc("GET "+importPath, s.requireUser(s.showImport))
	s.mux.HandleFunc("POST "+importPath, s.requireUser(s.uploadImport))
	s.mux.HandleFunc("GET "+importPath+"/jobs/{job}", s.requireUser(s.showImportJob))
	s.mux.HandleFunc("POST "+importPath+"/jobs/{job}", s.requireUser(s.actOnImportJob))
	s.mux.HandleFunc("GET "+importPath+"/jobs/{job}/report.xlsx", s.requireUser(s.importReport))
}

// importWriter returns the caller when the role may write to the
// registry; otherwise it answers 403 and returns nil.
func (s *Server) importWriter(w http.ResponseWriter, r *http.Request) *app.Principal {
	p := app.PrincipalFrom(r.Context())
	if p == nil || !p.CanWrite() {
		s.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
		return nil
	}
	return p
}

// importForm is the data of the upload page, kept after an error.
type importForm struct {
	Year     int
	DryRun   bool
	MaxMB    int
	Error    string // the problem of the last upload
	ErrField string // "file" or "year"
}

func (s *Server) newImportForm() importForm {
	return importForm{Year: s.app.Now().In(vi.Location).Year() - 1, DryRun: true, MaxMB: importMaxBytes >> 20}
}

func (s *Server) renderImportForm(w http.ResponseWriter, r *http.Request, status int, f importForm) {
	lang := s.lang(r)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "import", s.page(r, locale.T(lang, "webimport.title"), "establishments", f))
}

// showImport shows the upload form.
func (s *Server) showImport(w http.ResponseWriter, r *http.Request) {
	if s.importWriter(w, r) == nil {
		return
	}
	s.renderImportForm(w, r, http.StatusOK, s.newImportForm())
}

// upload is what the upload form sent.
type upload struct {
	name    string
	data    []byte
	year    string
	dryRun  bool
	sawFile bool
}

// readUpload reads the multipart form: the file into memory (the body is
// capped by the caller) and the small fields.
func readUpload(r *http.Request) (upload, error) {
	var u upload
	mr, err := r.MultipartReader()
	if err != nil {
		return u, err
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return u, nil
		}
		if err != nil {
			return u, err
		}
		switch part.FormName() {
		case "file":
			u.sawFile = true
			u.name = part.FileName()
			if u.data, err = io.ReadAll(part); err != nil {
				return u, err
			}
		case "year":
			b, err := io.ReadAll(io.LimitReader(part, 32))
			if err != nil {
				return u, err
			}
			u.year = strings.TrimSpace(string(b))
		case "dry_run":
			u.dryRun = true
		}
		if _, err := io.Copy(io.Discard, part); err != nil {
			return u, err
		}
		part.Close()
	}
}

// cleanFileName returns the base name of an uploaded file, in NFC, at
// most 200 characters, without control characters.
func cleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, vi.NFC(name))
	if utf8.RuneCountInString(name) > 200 {
		rs := []rune(name)
		ext := path.Ext(name)
		name = string(rs[:200-utf8.RuneCountInString(ext)]) + ext
	}
	if name == "." || name == "/" {
		name = ""
	}
	return name
}

// uploadImport receives a file, keeps it in a new job and starts the
// first run; the answer is a redirect to the job page. A body over
// importMaxBytes is refused with the cap in the message.
func (s *Server) uploadImport(w http.ResponseWriter, r *http.Request) {
	p := s.importWriter(w, r)
	if p == nil {
		return
	}
	lang := s.lang(r)
	f := s.newImportForm()
	r.Body = http.MaxBytesReader(w, r.Body, importMaxBytes)
	u, err := readUpload(r)
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok || (err != nil && r.ContentLength > importMaxBytes) {
		f.Error, f.ErrField = locale.T(lang, "webimport.too_large", importMaxBytes>>20), "file"
		s.renderImportForm(w, r, http.StatusRequestEntityTooLarge, f)
		return
	}
	if err != nil {
		s.log.Info("import upload", "id", requestID(r), "err", err)
		f.Error, f.ErrField = locale.T(lang, "webimport.bad_upload"), "file"
		s.renderImportForm(w, r, http.StatusBadRequest, f)
		return
	}
	f.DryRun = u.dryRun
	if u.year != "" {
		y, err := strconv.Atoi(u.year)
		thisYear := s.app.Now().In(vi.Location).Year()
		if err != nil || y < 1990 || y > thisYear {
			f.Error, f.ErrField = locale.T(lang, "webimport.bad_year", 1990, thisYear), "year"
			s.renderImportForm(w, r, http.StatusUnprocessableEntity, f)
			return
		}
		f.Year = y
	}
	name := cleanFileName(u.name)
	if !u.sawFile || name == "" {
		f.Error, f.ErrField = locale.T(lang, "webimport.no_file"), "file"
		s.renderImportForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	j := &importJob{userID: p.User.ID, name: name, data: u.data, year: f.Year, decisions: map[int]map[string]string{}}
	if err := s.imports.add(j); err != nil {
		f.Error, f.ErrField = locale.T(lang, kc.AsError(err).Key, kc.AsError(err).Args...), "file"
		s.renderImportForm(w, r, http.StatusTooManyRequests, f)
		return
	}
	s.log.Info("import upload", "id", requestID(r), "user", p.User.ID, "bytes", len(u.data), "dry_run", f.DryRun)
	s.startImport(j, p, f.DryRun, nil)
	http.Redirect(w, r, jobURL(j.id), http.StatusSeeOther)
}

func jobURL(id string) string { return importPath + "/jobs/" + id }

// flatDecisions turns the decisions by kind into the app's form, one
// comma-separated string per row.
func flatDecisions(d map[int]map[string]string) map[int]string {
	out := make(map[int]string, len(d))
	for line, parts := range d {
		var vals []string
		for _, kind := range []string{"action", "commune"} {
			if v := parts[kind]; v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) > 0 {
			out[line] = strings.Join(vals, ",")
		}
	}
	return out
}

// startImport runs the import of j in the background, as p, with the
// job's decisions: a dry run, or the real import. The run has its own
// context (the request's ends with the response) and stops with the
// server. It waits for a free slot first. decisions, when not nil,
// replace the job's. It does nothing and returns false while the job is
// already running.
func (s *Server) startImport(j *importJob, p *app.Principal, dryRun bool, decisions map[int]map[string]string) bool {
	j.mu.Lock()
	if j.running {
		j.mu.Unlock()
		return false
	}
	if decisions != nil {
		j.decisions = decisions
	}
	ctx, cancel := context.WithCancel(app.WithPrincipal(context.Background(), p))
	j.running, j.waiting, j.phase = true, true, "read"
	j.done, j.total, j.checked = 0, 0, false
	j.dryRun = dryRun
	j.ran = flatDecisions(j.decisions)
	j.res, j.err = app.ImportResult{}, nil
	opts := app.ImportOptions{DryRun: dryRun, Decisions: j.ran, FactYear: j.year, Progress: j.progress}
	data, name := j.data, j.name
	j.mu.Unlock()
	go func() {
		defer cancel()
		var res app.ImportResult
		var err error
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("import panic", "job", j.id[:6], "value", v)
				err = kc.Errorf(kc.EInternal, "error.internal").Wrap(fmt.Errorf("web: import panic: %v", v))
			}
			if err != nil && kc.ErrorCode(err) == kc.EInternal {
				s.log.Error("import failed", "job", j.id[:6], "err", err)
			}
			j.mu.Lock()
			j.running, j.waiting, j.res, j.err = false, false, res, err
			if res.Written {
				// Nothing more can be done with the file: free it.
				j.data, j.res.Table = nil, nil
			}
			j.mu.Unlock()
		}()
		go func() {
			select {
			case <-s.stop:
				cancel()
			case <-ctx.Done():
			}
		}()
		select {
		case s.imports.slots <- struct{}{}:
		case <-ctx.Done():
			err = kc.Errorf(kc.EInternal, "error.internal").Wrap(ctx.Err())
			return
		}
		defer func() { <-s.imports.slots }()
		j.mu.Lock()
		j.waiting = false
		j.mu.Unlock()
		res, err = s.app.ImportEstablishments(ctx, bytes.NewReader(data), name, opts)
	}()
	return true
}

// progress is the job's ImportOptions.Progress: the check pass counts the
// rows, then a real import counts the records written.
func (j *importJob) progress(done, total int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	switch {
	case j.phase == "read":
		j.phase = "check"
	case j.checked && !j.dryRun:
		j.phase = "write"
	}
	j.done, j.total = done, total
	if j.phase == "check" && done >= total {
		j.checked = true
	}
}

// jobFromPath returns the caller's job named in the path, or answers 404
// (an htmx poll gets the "gone" fragment with status 286, which stops the
// polling).
func (s *Server) jobFromPath(w http.ResponseWriter, r *http.Request, p *app.Principal) *importJob {
	if j, ok := s.imports.get(r.PathValue("job"), p.User.ID); ok {
		return j
	}
	if partialRequest(r) {
		lang := s.lang(r)
		s.render(w, r, 286, "import_job", s.page(r, locale.T(lang, "webimport.title"), "establishments", importJobView{Gone: true}))
		return nil
	}
	s.fail(w, r, kc.Errorf(kc.ENotFound, "webimport.job_not_found"))
	return nil
}

// importChoice is one option of a decision select.
type importChoice struct {
	Value, Label string
	Selected     bool
}

// importErrorView is one line of the errors table; a question has the
// choices of its select.
type importErrorView struct {
	Line     int
	Col      string
	Header   string
	Message  string
	Choices  []importChoice
	SelectID string
}

// importDecisionView is a decision already applied.
type importDecisionView struct {
	Line  int
	Label string
}

// importJobView is the data of the job page.
type importJobView struct {
	Gone      bool // the job does not exist (any more)
	ID        string
	URL       string
	File      string
	Year      int
	Running   bool
	Waiting   bool
	Phase     string
	Done      int
	Total     int
	Percent   int
	Poll      string // the htmx polling trigger
	DryRun    bool
	FileError string
	Rows      int
	Created   int
	Merged    int
	Skipped   int
	Facts     int
	Unchanged int // rows that hold what the registry holds
	Written   bool
	NoRows    bool
	// NothingToWrite is a clean file that would change nothing (every
	// row unchanged or skipped).
	NothingToWrite bool
	ErrorCount     int
	Errors         []importErrorView
	More           int // errors not listed on the page
	Questions      bool
	Warnings       []string
	Applied        []importDecisionView
	CanCommit      bool
	ReportURL      string
}

// importMessage renders an import error in lang, with the web wording
// for the questions.
func importMessage(lang string, e *kc.Error) string {
	if k := importQuestions[e.Key]; k != "" {
		return locale.T(lang, k, e.Args...)
	}
	return app.ImportMessage(lang, e)
}

// shortMessage drops the "Row N, column X (header): " prefix that the
// table shows in its own columns, and capitalises what remains.
func shortMessage(lang string, e *kc.Error, msg string) string {
	row, col, header, ok := sheet.CellPosition(e)
	if !ok {
		return msg
	}
	prefix := locale.T(lang, "import.cell", row, col, header, "")
	rest, found := strings.CutPrefix(msg, prefix)
	if !found || rest == "" {
		return msg
	}
	r, n := utf8.DecodeRuneInString(rest)
	return string(unicode.ToUpper(r)) + rest[n:]
}

// unitChoice matches "Xã Đakrông (19564)" in the list of successors an
// import error names.
var unitChoice = regexp.MustCompile(`^(.*) \(([0-9A-Za-z]+)\)$`)

// communeChoices parses the successor list of a commune question
// ("Xã A (19564); Xã B (19570)") into choices.
func communeChoices(list string) []importChoice {
	var out []importChoice
	for part := range strings.SplitSeq(list, "; ") {
		if m := unitChoice.FindStringSubmatch(strings.TrimSpace(part)); m != nil {
			out = append(out, importChoice{Value: "commune:" + m[2], Label: m[1] + " (" + m[2] + ")"})
		}
	}
	return out
}

// idChoices parses the id list of a registry duplicate ("12, 15").
func idChoices(list string) []int64 {
	var out []int64
	for part := range strings.SplitSeq(list, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}

// questionChoices returns the options of the select of a question error
// (nil for an ordinary error). withSkip adds "skip" to commune questions,
// which is left out when the row also has a duplicate question (one skip
// per row).
func (s *Server) questionChoices(ctx context.Context, lang string, e *kc.Error, withSkip bool) []importChoice {
	arg := func(i int) string {
		if i < len(e.Args) {
			return fmt.Sprint(e.Args[i])
		}
		return ""
	}
	skip := importChoice{Value: "skip", Label: locale.T(lang, "webimport.choice.skip")}
	create := importChoice{Value: "create", Label: locale.T(lang, "webimport.choice.create")}
	var out []importChoice
	switch e.Key {
	case "import.commune_split", "import.commune_ambiguous":
		for _, c := range communeChoices(arg(4)) {
			c.Label = locale.T(lang, "webimport.choice.commune", c.Label)
			out = append(out, c)
		}
		if withSkip {
			out = append(out, skip)
		}
	case "import.duplicate_in_file":
		out = append(out, skip, create)
	case "import.duplicate_registry", "import.merge_not_duplicate":
		list := arg(3)
		if e.Key == "import.merge_not_duplicate" {
			list = arg(4)
		}
		for _, id := range idChoices(list) {
			label := locale.T(lang, "webimport.choice.merge", id)
			if est, err := s.app.GetEstablishment(ctx, id); err == nil {
				label = locale.T(lang, "webimport.choice.merge_named", id, est.Name)
			}
			out = append(out, importChoice{Value: "merge:" + strconv.FormatInt(id, 10), Label: label})
		}
		out = append(out, skip, create)
	}
	return out
}

// decisionLabel describes an applied decision ("skip", "merge:12", …).
func decisionLabel(lang, d string) string {
	kind, v, _ := strings.Cut(d, ":")
	switch kind {
	case "skip", "create":
		return locale.T(lang, "webimport.choice."+kind)
	case "merge":
		return locale.T(lang, "webimport.choice.merge", v)
	case "commune":
		return locale.T(lang, "webimport.choice.commune", v)
	}
	return d
}

// view builds the job page's data; the slow parts (names of duplicate
// candidates) are read after the job's lock is released.
func (s *Server) jobView(ctx context.Context, lang string, j *importJob) importJobView {
	j.mu.Lock()
	v := importJobView{ID: j.id, URL: jobURL(j.id), File: j.name, Year: j.year, Running: j.running, Waiting: j.waiting,
		Phase: j.phase, Done: j.done, Total: j.total, DryRun: j.dryRun, Poll: "every " + importPollInterval}
	res, runErr := j.res, j.err
	ran := j.ran
	decided := map[int]map[string]string{}
	for line, parts := range j.decisions {
		decided[line] = parts
	}
	j.mu.Unlock()
	if v.Total > 0 {
		v.Percent = min(100, v.Done*100/v.Total)
	}
	if v.Running {
		return v
	}
	if runErr != nil {
		e := kc.AsError(runErr)
		v.FileError = locale.T(lang, e.Key, e.Args...)
		return v
	}
	v.Rows, v.Created, v.Merged, v.Skipped, v.Facts, v.Written = res.Rows, res.Created, res.Merged, res.Skipped, res.Facts, res.Written
	v.Unchanged = res.Unchanged
	v.NoRows = res.Rows == 0
	v.NothingToWrite = !v.NoRows && !v.Written && len(res.Errors) == 0 && res.Created+res.Merged == 0
	for _, w := range res.Warnings {
		v.Warnings = append(v.Warnings, locale.T(lang, w.Key, w.Args...))
	}
	v.ErrorCount = len(res.Errors)
	if res.Table != nil && len(res.Errors) > 0 {
		v.ReportURL = v.URL + "/report.xlsx"
	}
	// Rows with a duplicate question get the skip in that select.
	dupRows := map[int]bool{}
	for _, e := range res.Errors {
		if row, _, _, ok := sheet.CellPosition(e); ok && strings.HasPrefix(e.Key, "import.duplicate") {
			dupRows[row] = true
		}
	}
	seen := map[int]int{}
	for i, e := range res.Errors {
		if i == importShownErrors {
			v.More = len(res.Errors) - importShownErrors
			break
		}
		msg := importMessage(lang, e)
		ev := importErrorView{Message: shortMessage(lang, e, msg)}
		row, col, header, ok := sheet.CellPosition(e)
		if ok {
			ev.Line, ev.Col, ev.Header = row, col, header
			if _, q := importQuestions[e.Key]; q {
				ev.Choices = s.questionChoices(ctx, lang, e, !dupRows[row])
			}
		}
		if len(ev.Choices) > 0 {
			v.Questions = true
			seen[row]++
			ev.SelectID = fmt.Sprintf("decide-%d-%d", row, seen[row])
			ev.Choices = append([]importChoice{{Value: "", Label: locale.T(lang, "webimport.choice.none")}}, ev.Choices...)
			for i := range ev.Choices {
				c := &ev.Choices[i]
				if c.Value == "" {
					continue
				}
				kind, _, _ := strings.Cut(c.Value, ":")
				key := "action"
				if kind == "commune" {
					key = "commune"
				}
				c.Selected = decided[row][key] == c.Value
			}
		}
		v.Errors = append(v.Errors, ev)
	}
	lines := make([]int, 0, len(ran))
	for line := range ran {
		lines = append(lines, line)
	}
	sort.Ints(lines)
	for _, line := range lines {
		var labels []string
		for d := range strings.SplitSeq(ran[line], ",") {
			labels = append(labels, decisionLabel(lang, d))
		}
		v.Applied = append(v.Applied, importDecisionView{Line: line, Label: strings.Join(labels, "; ")})
	}
	v.CanCommit = v.DryRun && !v.Written && v.ErrorCount == 0 && !v.NoRows && !v.NothingToWrite
	return v
}

// showImportJob shows a job: its progress while it runs (the page polls
// it through htmx), then its result, errors and decisions.
func (s *Server) showImportJob(w http.ResponseWriter, r *http.Request) {
	p := s.importWriter(w, r)
	if p == nil {
		return
	}
	j := s.jobFromPath(w, r, p)
	if j == nil {
		return
	}
	lang := s.lang(r)
	v := s.jobView(r.Context(), lang, j)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "import_job", s.page(r, locale.T(lang, "webimport.title"), "establishments", v))
}

// decisionValue accepts the values the decision selects offer.
var decisionValue = regexp.MustCompile(`^(skip|create|merge:[1-9][0-9]{0,18}|commune:[0-9A-Za-z]{1,16})$`)

// actOnImportJob runs a job again: action "check" is a dry run with the
// decisions of the form added to those taken before, "reset" a dry run
// without any decision, "commit" the real import with the decisions of
// the last dry run, allowed only after a clean one.
func (s *Server) actOnImportJob(w http.ResponseWriter, r *http.Request) {
	p := s.importWriter(w, r)
	if p == nil {
		return
	}
	j := s.jobFromPath(w, r, p)
	if j == nil {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, kc.Errorf(kc.EInvalid, "error.bad_request").Wrap(err))
		return
	}
	action := r.PostForm.Get("action")
	j.mu.Lock()
	running := j.running
	clean := !running && j.err == nil && j.dryRun && !j.res.Written && j.res.OK() && j.res.Created+j.res.Merged > 0
	written := j.res.Written
	j.mu.Unlock()
	if running {
		http.Redirect(w, r, jobURL(j.id), http.StatusSeeOther)
		return
	}
	switch action {
	case "check", "reset":
		if written {
			s.fail(w, r, kc.Errorf(kc.EConflict, "webimport.already_written"))
			return
		}
		next := map[int]map[string]string{}
		if action == "check" {
			j.mu.Lock()
			for line, parts := range j.decisions {
				next[line] = map[string]string{"action": parts["action"], "commune": parts["commune"]}
			}
			j.mu.Unlock()
			for name, vals := range r.PostForm {
				ls, ok := strings.CutPrefix(name, "decide-")
				line, err := strconv.Atoi(ls)
				if !ok || err != nil || line <= 0 {
					continue
				}
				for _, val := range vals {
					if val == "" {
						continue
					}
					if !decisionValue.MatchString(val) {
						s.fail(w, r, kc.Errorf(kc.EInvalid, "error.bad_request"))
						return
					}
					key := "action"
					if strings.HasPrefix(val, "commune:") {
						key = "commune"
					}
					if next[line] == nil {
						next[line] = map[string]string{}
					}
					next[line][key] = val
				}
			}
		}
		s.startImport(j, p, true, next)
	case "commit":
		if !clean {
			s.fail(w, r, kc.Errorf(kc.EConflict, "webimport.not_checked"))
			return
		}
		// The real import takes the decisions of the clean dry run.
		j.mu.Lock()
		ran := expandDecisions(j.ran)
		j.mu.Unlock()
		s.log.Info("import commit", "id", requestID(r), "user", p.User.ID)
		s.startImport(j, p, false, ran)
	default:
		s.fail(w, r, kc.Errorf(kc.EInvalid, "error.bad_request"))
		return
	}
	http.Redirect(w, r, jobURL(j.id), http.StatusSeeOther)
}

// expandDecisions is the inverse of flatDecisions.
func expandDecisions(flat map[int]string) map[int]map[string]string {
	out := make(map[int]map[string]string, len(flat))
	for line, s := range flat {
		parts := map[string]string{}
		for d := range strings.SplitSeq(s, ",") {
			if strings.HasPrefix(d, "commune:") {
				parts["commune"] = d
			} else if d != "" {
				parts["action"] = d
			}
		}
		out[line] = parts
	}
	return out
}

// importReport downloads the error report of the last run: an XLSX copy
// of the file with a "Lỗi" column naming, per row, each field and problem.
func (s *Server) importReport(w http.ResponseWriter, r *http.Request) {
	p := s.importWriter(w, r)
	if p == nil {
		return
	}
	j := s.jobFromPath(w, r, p)
	if j == nil {
		return
	}
	j.mu.Lock()
	res, running := j.res, j.running
	j.mu.Unlock()
	if running || res.Table == nil {
		s.fail(w, r, kc.Errorf(kc.ENotFound, "webimport.no_report"))
		return
	}
	lang := s.lang(r)
	out := &attachment{ResponseWriter: w, contentType: exportContentTypes[app.FormatXLSX], filename: app.ExportFileName("bao-cao-nhap", s.app.Now(), app.FormatXLSX)}
	err := res.WriteReport(out, func(e *kc.Error) string { return importMessage(lang, e) })
	if err != nil {
		if out.started {
			s.log.Error("import report", "err", err)
			return
		}
		s.fail(w, r, err)
	}
}
