package outreach

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// WriteLP writes the selection problem the planner solves for req as an
// integer program in the CPLEX LP format that `glpsol --lp FILE` reads, so
// that an exact solver can tell how far the planner's heuristic is from
// the optimum.
//
// The options are those the planner sees: one per village, the session
// Choose gives it (villages with nobody to reach have none). Variables:
//
//   - x<i>, binary: the session of req.Villages[i] is chosen;
//   - y<c>, integer in [0, ⌈n_c / SessionsPerDay⌉]: the trip days of the
//     c-th commune with trip sessions (in order of first appearance, as
//     in the planner; n_c is its number of trip sessions).
//
// Objective: maximise Σ Reached·x. Rows:
//
//   - budget: Σ Cost·x + TravelCost·Σ y ≤ Budget;
//   - staff: Σ HalfDays·x ≤ HalfDayLimit;
//   - days: Σ y ≤ the working days of the period (holidays left out);
//   - trip_c: SessionsPerDay·y_c − Σ x (trip sessions of c) ≥ 0.
//
// Since every cost is at least 0, an optimum needs no more trip days than
// ⌈chosen trip sessions / SessionsPerDay⌉ per commune, which is exactly how
// the planner counts them (state.delta), so the integer program and the
// planner have the same feasible selections. What the planner does beyond
// this cannot be stated as a constraint and is left out: among plans that
// reach as many, it prefers the cheaper, then the one with less staff time
// (a tie-break, not a limit); the schedule (which day each trip takes) is
// always possible once trip days fit in the working days.
//
// The money row is divided by the greatest common divisor of its
// coefficients, its limit rounded down (the same integer solutions with
// smaller numbers: GLPK's simplex is unreliable on rows in plain đồng);
// the staff row likewise. A comment above each row says what it is. The
// request is validated first (see Request.Validate).
func WriteLP(w io.Writer, req Request) error {
	if err := req.Validate(); err != nil {
		return err
	}
	p := req.Params
	type option struct {
		col     int // index in req.Villages
		s       Session
		commune int // index among the communes with trip sessions, -1 when no trip
	}
	var opts []option
	communeIdx := map[string]int{}
	var communes []string // display names, for the comments
	var tripCount []int
	for i, v := range req.Villages {
		s, ok := Choose(v, p)
		if !ok {
			continue
		}
		o := option{col: i, s: s, commune: -1}
		if s.Trip {
			k := communeKey(v)
			c, seen := communeIdx[k]
			if !seen {
				c = len(communes)
				communeIdx[k] = c
				communes = append(communes, v.CommuneCode+" "+v.CommuneName)
				tripCount = append(tripCount, 0)
			}
			o.commune = c
			tripCount[c]++
		}
		opts = append(opts, o)
	}
	spd := p.SessionsPerDay
	days := len(req.WorkingDays())

	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "\\ khuyencong outreach: %d options, %d communes with trips, %d working days\n",
		len(opts), len(communes), days)
	if len(opts) == 0 {
		// Nothing to reach: a dummy variable fixed at 0 keeps the file valid.
		fmt.Fprintln(bw, "Maximize\n obj: 0 z\nSubject To\n none: 1 z <= 0\nBinary\n z\nEnd")
		return bw.Flush()
	}
	fmt.Fprintln(bw, "Maximize")
	var obj []lpTerm
	for _, o := range opts {
		obj = append(obj, lpTerm{int64(o.s.Reached), "x" + strconv.Itoa(o.col)})
	}
	writeLPExpr(bw, " obj:", obj)
	bw.WriteString("\n")
	fmt.Fprintln(bw, "Subject To")

	// Money.
	var money []lpTerm
	for _, o := range opts {
		money = append(money, lpTerm{o.s.Cost, "x" + strconv.Itoa(o.col)})
	}
	for c := range communes {
		money = append(money, lpTerm{p.TravelCost, "y" + strconv.Itoa(c)})
	}
	writeLPRow(bw, "budget", "budget in đồng (sessions + travel)", money, "<=", req.Budget)
	// Staff time.
	var half []lpTerm
	for _, o := range opts {
		half = append(half, lpTerm{int64(o.s.HalfDays), "x" + strconv.Itoa(o.col)})
	}
	writeLPRow(bw, "staff", "staff half days", half, "<=", int64(req.HalfDayLimit()))
	// Trip days.
	if len(communes) > 0 {
		var ys []lpTerm
		for c := range communes {
			ys = append(ys, lpTerm{1, "y" + strconv.Itoa(c)})
		}
		writeLPRow(bw, "days", "trip days within the working days", ys, "<=", int64(days))
	}
	for c, name := range communes {
		terms := []lpTerm{{int64(spd), "y" + strconv.Itoa(c)}}
		for _, o := range opts {
			if o.commune == c {
				terms = append(terms, lpTerm{-1, "x" + strconv.Itoa(o.col)})
			}
		}
		fmt.Fprintf(bw, "\\ trip_%d: commune %s, %d sessions a trip day\n", c, strconv.Quote(name), spd)
		writeLPExpr(bw, " trip_"+strconv.Itoa(c)+":", terms)
		bw.WriteString(" >= 0\n")
	}
	if len(communes) > 0 {
		fmt.Fprintln(bw, "Bounds")
		for c, n := range tripCount {
			fmt.Fprintf(bw, " 0 <= y%d <= %d\n", c, ceilDiv(n, spd))
		}
		fmt.Fprintln(bw, "General")
		writeLPList(bw, len(communes), func(c int) string { return "y" + strconv.Itoa(c) })
	}
	fmt.Fprintln(bw, "Binary")
	writeLPList(bw, len(opts), func(k int) string { return "x" + strconv.Itoa(opts[k].col) })
	fmt.Fprintln(bw, "End")
	return bw.Flush()
}

// lpTerm is one coefficient and variable of an LP row.
type lpTerm struct {
	coef int64
	name string
}

// writeLPRow writes a named row divided by the gcd of its coefficients,
// its ≤ limit rounded down, with a comment saying what it is.
func writeLPRow(w *bufio.Writer, name, what string, terms []lpTerm, op string, rhs int64) {
	var g int64
	for _, t := range terms {
		g = gcd64(g, t.coef)
	}
	if g > 1 {
		red := make([]lpTerm, len(terms))
		for k, t := range terms {
			red[k] = lpTerm{t.coef / g, t.name}
		}
		terms = red
		fmt.Fprintf(w, "\\ %s: %s, in units of %d (limit %d)\n", name, what, g, rhs)
		rhs = floorDiv(rhs, g)
	} else {
		fmt.Fprintf(w, "\\ %s: %s\n", name, what)
	}
	writeLPExpr(w, " "+name+":", terms)
	fmt.Fprintf(w, " %s %d\n", op, rhs)
}

// writeLPExpr writes "head c1 v1 + c2 v2 - c3 v3 …", zero terms left out
// (all of them zero: "0 v1"), wrapped at about 80 columns, without the
// final newline.
func writeLPExpr(w *bufio.Writer, head string, terms []lpTerm) {
	w.WriteString(head)
	var kept []lpTerm
	for _, t := range terms {
		if t.coef != 0 {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		kept = []lpTerm{{0, terms[0].name}}
	}
	width := len(head)
	for k, t := range kept {
		c := t.coef
		sign := "+"
		if c < 0 {
			sign, c = "-", -c
		}
		term := fmt.Sprintf(" %d %s", c, t.name)
		if k > 0 || sign == "-" {
			term = " " + sign + term
		}
		if width+len(term) > 80 {
			w.WriteString("\n  ")
			width = 2
		}
		w.WriteString(term)
		width += len(term)
	}
}

// writeLPList writes n variable names, ten to a line.
func writeLPList(w *bufio.Writer, n int, name func(int) string) {
	for k := 0; k < n; k++ {
		w.WriteString(" " + name(k))
		if k%10 == 9 || k == n-1 {
			w.WriteString("\n")
		}
	}
}

func gcd64(a, b int64) int64 {
	if a < 0 {
		a = -a
	}
	if b < 0 {
		b = -b
	}
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// LPResult is glpsol's answer for a file WriteLP wrote, read from the
// report it prints with -o.
type LPResult struct {
	// Status is the report's status line: "INTEGER OPTIMAL" when the
	// optimum is proven, "INTEGER EMPTY", "INTEGER UNDEFINED", ….
	Status string
	// Reached is the objective: the total expected reached.
	Reached int
	// Chosen marks, by index in Request.Villages, the villages whose
	// session the solver chose.
	Chosen []bool
}

// Optimal reports whether the solver proved its answer optimal.
func (r LPResult) Optimal() bool { return r.Status == "INTEGER OPTIMAL" }

var (
	lpStatusRe = regexp.MustCompile(`(?m)^Status:\s+(.+?)\s*$`)
	lpObjRe    = regexp.MustCompile(`(?m)^Objective:\s+obj = (\S+) \(MAXimum\)`)
	// A column line of the report: number, name, optional '*' (basic),
	// activity. A long name puts the numbers on the next line.
	lpColRe = regexp.MustCompile(`(?m)^\s*\d+\s+x(\d+)\s+(?:\*\s+)?(\S+)`)
)

// ReadGLPKReport reads the printable report glpsol writes with -o for a
// file WriteLP wrote for a request of villages villages: the status, the
// objective and the chosen villages.
func ReadGLPKReport(r io.Reader, villages int) (LPResult, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return LPResult{}, err
	}
	st, obj := lpStatusRe.FindSubmatch(b), lpObjRe.FindSubmatch(b)
	if st == nil || obj == nil {
		return LPResult{}, fmt.Errorf("outreach: glpsol report without status or objective")
	}
	res := LPResult{Status: string(st[1]), Chosen: make([]bool, villages)}
	v, err := strconv.ParseFloat(string(obj[1]), 64)
	if err != nil {
		return res, fmt.Errorf("outreach: glpsol objective %q: %w", obj[1], err)
	}
	res.Reached = int(v + 0.5)
	// Only the columns section lists x names after a row number.
	cols := b
	if i := strings.Index(string(b), "Column name"); i >= 0 {
		cols = b[i:]
	}
	for _, m := range lpColRe.FindAllSubmatch(cols, -1) {
		i, err := strconv.Atoi(string(m[1]))
		if err != nil || i < 0 || i >= villages {
			return res, fmt.Errorf("outreach: glpsol report names column x%s, not a village of the request", m[1])
		}
		val, err := strconv.ParseFloat(string(m[2]), 64)
		if err != nil {
			return res, fmt.Errorf("outreach: glpsol report: value %q of x%d: %w", m[2], i, err)
		}
		res.Chosen[i] = val > 0.5
	}
	return res, nil
}

// Usage is what a selection of sessions uses and reaches.
type Usage struct {
	Reached  int
	Cost     int64 // sessions and travel, in đồng
	HalfDays int
	TripDays int
	// Sessions counts the chosen sessions.
	Sessions int
}

// Evaluate returns the totals of choosing the sessions of the villages
// marked in chosen (indexes of req.Villages; villages with no session are
// ignored), counting trip days per commune as the planner does.
func Evaluate(req Request, chosen []bool) Usage {
	var u Usage
	trips := map[string]int{}
	for i, v := range req.Villages {
		if i >= len(chosen) || !chosen[i] {
			continue
		}
		s, ok := Choose(v, req.Params)
		if !ok {
			continue
		}
		u.Sessions++
		u.Reached += s.Reached
		u.Cost += s.Cost
		u.HalfDays += s.HalfDays
		if s.Trip {
			trips[communeKey(v)]++
		}
	}
	for _, n := range trips {
		d := ceilDiv(n, req.Params.SessionsPerDay)
		u.TripDays += d
		u.Cost += int64(d) * req.Params.TravelCost
	}
	return u
}

// Fits reports whether u stays within the limits of req: the budget, the
// staff half days and the working days.
func (u Usage) Fits(req Request) bool {
	return u.Cost <= req.Budget && u.HalfDays <= req.HalfDayLimit() && u.TripDays <= len(req.WorkingDays())
}
