package allocate

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteLP writes in as a 0/1 program in the CPLEX LP format that
// `glpsol --lp FILE` reads: Maximize (the values), Subject To (one row per
// budget, area minimum, area maximum, group cap and pin), Binary (every
// variable), End. Proposal i is variable x<i>. Row names are made of the
// kind, an ordinal and the key with every character outside [A-Za-z0-9_]
// replaced by '_' (unique thanks to the ordinal, at most 64 characters); a
// comment line above each row gives the original key, quoted. Zero terms
// are left out except when a row would be empty (then "0 x0"). Each
// money row is divided by the greatest common divisor of its
// coefficients, its limit rounded inwards (down for ≤, up for ≥), which
// keeps exactly the same 0/1 solutions with smaller numbers (the comment
// gives the unit and the limit in đồng): GLPK's simplex stops short of the
// LP optimum on rows in plain đồng and then prunes wrongly. The
// instance is assumed valid (see Validate); in particular costs count
// only under budgeted sources, as in Solve.
func WriteLP(w io.Writer, in Instance) error {
	bw := bufio.NewWriter(w)
	md := newModel(&in)
	fmt.Fprintf(bw, "\\ khuyencong allocate: %d proposals, %d budgets\n", md.n, len(in.Budget))
	fmt.Fprintln(bw, "Maximize")
	var obj []int
	var coef []int64
	for j, v := range md.value {
		if v != 0 {
			obj = append(obj, j)
			coef = append(coef, v)
		}
	}
	writeExpr(bw, " obj:", obj, coef)
	bw.WriteString("\n")
	fmt.Fprintln(bw, "Subject To")
	ord := 0
	row := func(prefix, kind, key string, cols []int, coef []int64, op string, rhs int64) {
		ord++
		name := lpName(prefix, ord, key)
		// Divide by the gcd of the coefficients, rounding the limit
		// inwards: the same 0/1 points, smaller numbers (GLPK's simplex
		// stops short of the optimum on rows of 1e10 đồng).
		var g int64
		for _, c := range coef {
			g = gcd(g, c)
		}
		if g > 1 {
			red := make([]int64, len(coef))
			for k, c := range coef {
				red[k] = c / g
			}
			coef = red
			fmt.Fprintf(bw, "\\ %s: %s %s, in units of %d (limit %d)\n", name, kind, strconv.Quote(key), g, rhs)
			if op == ">=" {
				rhs = (rhs + g - 1) / g
			} else {
				rhs /= g
			}
		} else {
			fmt.Fprintf(bw, "\\ %s: %s %s\n", name, kind, strconv.Quote(key))
		}
		writeExpr(bw, " "+name+":", cols, coef)
		fmt.Fprintf(bw, " %s %d\n", op, rhs)
	}
	for _, r := range md.rows {
		switch r.kind {
		case rowBudget:
			row("budget", "budget", r.key, r.cols, r.coef, "<=", r.hi)
		case rowArea:
			if r.hasLo {
				row("area_min", "area minimum", r.key, r.cols, r.coef, ">=", r.lo)
			}
			if r.hasHi {
				row("area_max", "area maximum", r.key, r.cols, r.coef, "<=", r.hi)
			}
		case rowGroup:
			row("group_cap", "group cap", r.key, r.cols, r.coef, "<=", r.hi)
		}
	}
	for j, p := range in.Proposals {
		switch p.Pin {
		case In:
			row("pin_in", "pin in", p.ID, []int{j}, []int64{1}, "=", 1)
		case Out:
			row("pin_out", "pin out", p.ID, []int{j}, []int64{1}, "=", 0)
		}
	}
	if md.n > 0 {
		fmt.Fprintln(bw, "Binary")
		for j := 0; j < md.n; j++ {
			fmt.Fprintf(bw, " x%d", j)
			if j%10 == 9 || j == md.n-1 {
				bw.WriteString("\n")
			}
		}
	} else {
		// No proposal: a dummy variable fixed at 0 keeps the file valid.
		fmt.Fprintln(bw, "Bounds\n x0 = 0")
	}
	fmt.Fprintln(bw, "End")
	return bw.Flush()
}

// writeExpr writes "head c1 x1 + c2 x2 …" wrapped at about 80 columns,
// without the final newline.
func writeExpr(w *bufio.Writer, head string, cols []int, coef []int64) {
	w.WriteString(head)
	if len(cols) == 0 {
		w.WriteString(" 0 x0")
		return
	}
	width := len(head)
	for k, j := range cols {
		term := fmt.Sprintf(" %d x%d", coef[k], j)
		if k > 0 {
			term = " +" + term
		}
		if width+len(term) > 80 {
			w.WriteString("\n  ")
			width = 2
		}
		w.WriteString(term)
		width += len(term)
	}
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// lpName is a row name safe for the LP format: prefix_ord_key with the key
// reduced to [A-Za-z0-9_] and the whole cut at 64 bytes.
func lpName(prefix string, ord int, key string) string {
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteString("_")
	b.WriteString(strconv.Itoa(ord))
	if key != "" {
		b.WriteString("_")
	}
	for _, r := range key {
		if b.Len() >= 64 {
			break
		}
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
