package eligibility

import (
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"khuyencong/internal/kc"
)

// opcode is the parsed operator of a simple criterion.
type opcode uint8

const (
	opGE opcode = iota
	opGT
	opLE
	opLT
	opEQ
	opNE
	opIn
	opNotIn
	opTrue
	opFalse
	opHas
)

var opcodes = map[string]opcode{
	OpGE: opGE, OpGT: opGT, OpLE: opLE, OpLT: opLT, OpEQ: opEQ, OpNE: opNE,
	OpIn: opIn, OpNotIn: opNotIn, OpTrue: opTrue, OpFalse: opFalse, OpHas: opHas,
}

// typeOps lists the operators each field type accepts.
var typeOps = map[string][]string{
	TypeInt:   {OpGE, OpGT, OpLE, OpLT, OpEQ, OpNE, OpIn, OpNotIn},
	TypeMoney: {OpGE, OpGT, OpLE, OpLT, OpEQ, OpNE},
	TypeBool:  {OpTrue, OpFalse},
	TypeText:  {OpEQ, OpNE, OpIn, OpNotIn},
	TypeList:  {OpHas},
}

// Ops returns the operators a field of type typ accepts, for editors.
func Ops(typ string) []string { return slices.Clone(typeOps[typ]) }

// criterion is one compiled criterion. A simple criterion is evaluated
// natively from its pre-parsed value; a formula runs its expr program.
// Simple criteria carry an equivalent expr program as well (prog), which
// the tests use to show that both evaluations agree.
type criterion struct {
	index   int // position in Rule.Criteria
	prio    bool
	formula bool
	need    uint64 // bit set of the fields the criterion reads
	prog    *vm.Program
	source  string // expr source: the formula, or the generated expression

	field fieldID
	typ   string
	op    opcode
	num   int64
	nums  []int64
	text  string
	texts []string
}

// Compiled is a rule whose criteria are compiled; it is safe for
// concurrent use.
type Compiled struct {
	Rule Rule

	crits  []criterion
	groups [][]int // eligibility groups (criterion indexes), by group number
	order  [][]int // the same groups in evaluation order, cheapest first
	prio   []int   // priority criteria
}

// Compile checks and compiles every criterion of r. Errors are kc field
// errors naming the criterion ("criteria.2.formula", "criteria.0.field")
// with a Vietnamese message key and, for a formula, the line and column.
// Rule-level errors name the rule field ("effective_from", "cap",
// "rate_bp", "uplift_bp", "counterpart_min_bp", "effective_to"). All
// problems are reported at once through kc.Errors.
func Compile(r Rule) (*Compiled, error) {
	r.Criteria = slices.Clone(r.Criteria)
	var errs kc.Errors
	errs = append(errs, checkRule(r)...)
	c := &Compiled{Rule: r}
	for i, cr := range r.Criteria {
		cc, es := compileCriterion(cr, "criteria."+strconv.Itoa(i)+".")
		if len(es) > 0 {
			errs = append(errs, es...)
			continue
		}
		cc.index = i
		c.crits = append(c.crits, cc)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	c.index()
	return c, nil
}

// CheckCriterion compiles one criterion alone, for an editor. Its field
// errors name the criterion's own fields without the "criteria.N."
// prefix ("field", "op", "value", "formula", "label", "kind", "group",
// "points").
func CheckCriterion(c Criterion) error {
	_, errs := compileCriterion(c, "")
	return errs.Err()
}

// index groups the compiled criteria.
func (c *Compiled) index() {
	byGroup := map[int][]int{}
	var nums []int
	for i, cr := range c.crits {
		if cr.prio {
			c.prio = append(c.prio, i)
			continue
		}
		g := c.Rule.Criteria[cr.index].Group
		if _, ok := byGroup[g]; !ok {
			nums = append(nums, g)
		}
		byGroup[g] = append(byGroup[g], i)
	}
	sort.Ints(nums)
	for _, g := range nums {
		c.groups = append(c.groups, byGroup[g])
	}
	// Evaluation order for Matches: native criteria before formulas inside
	// a group, groups without formulas first. The status does not depend
	// on the order (a failing group decides, else any unknown group).
	for _, g := range c.groups {
		o := slices.Clone(g)
		sort.SliceStable(o, func(a, b int) bool { return !c.crits[o[a]].formula && c.crits[o[b]].formula })
		c.order = append(c.order, o)
	}
	sort.SliceStable(c.order, func(a, b int) bool { return c.cost(c.order[a]) < c.cost(c.order[b]) })
}

// cost counts the formulas of a group.
func (c *Compiled) cost(g []int) int {
	n := 0
	for _, i := range g {
		if c.crits[i].formula {
			n++
		}
	}
	return n
}

// checkRule validates the rule-level fields.
func checkRule(r Rule) kc.Errors {
	var errs kc.Errors
	if r.EffectiveFrom.IsZero() {
		errs = append(errs, kc.FieldError("effective_from", "elig.error.effective_from_required"))
	}
	if !r.EffectiveTo.IsZero() && !r.EffectiveFrom.IsZero() && r.EffectiveTo.Before(r.EffectiveFrom) {
		errs = append(errs, kc.FieldError("effective_to", "elig.error.effective_to_before"))
	}
	if r.Cap < 0 {
		errs = append(errs, kc.FieldError("cap", "elig.error.cap_negative"))
	}
	if r.Cap > 0 && r.EffectiveFrom.IsZero() {
		errs = append(errs, kc.FieldError("cap", "elig.error.cap_without_date"))
	}
	if r.RateBP < 0 || r.RateBP > 10000 {
		errs = append(errs, kc.FieldError("rate_bp", "elig.error.rate"))
	}
	if r.UpliftBP != 0 && r.UpliftBP < 10000 {
		errs = append(errs, kc.FieldError("uplift_bp", "elig.error.uplift"))
	}
	if r.CounterpartMinBP < 0 || r.CounterpartMinBP > 10000 {
		errs = append(errs, kc.FieldError("counterpart_min_bp", "elig.error.counterpart"))
	}
	return errs
}

// compileCriterion validates and compiles one criterion; prefix starts
// the names of its error fields.
func compileCriterion(c Criterion, prefix string) (criterion, kc.Errors) {
	var errs kc.Errors
	fail := func(field, key string, args ...any) {
		errs = append(errs, kc.FieldError(prefix+field, key, args...))
	}
	if strings.TrimSpace(c.Label) == "" {
		fail("label", "elig.error.label_required")
	}
	switch c.Kind {
	case KindEligibility:
		if c.Group < 1 {
			fail("group", "elig.error.group", c.Group)
		}
	case KindPriority:
	default:
		fail("kind", "elig.error.kind", c.Kind)
	}
	if c.Points < 0 {
		fail("points", "elig.error.points_negative")
	}
	formula := strings.TrimSpace(c.Formula)
	field := strings.TrimSpace(c.Field)
	var cc criterion
	switch {
	case formula != "" && field != "":
		fail("formula", "elig.error.field_and_formula")
	case formula != "":
		if c.Op != "" && c.Op != OpFormul {
			fail("op", "elig.error.op_formula", c.Op)
			break
		}
		var es kc.Errors
		cc, es = compileFormula(c.Formula, prefix)
		errs = append(errs, es...)
	case c.Op == OpFormul:
		fail("formula", "elig.error.formula_required")
	case field == "":
		fail("field", "elig.error.criterion_empty")
	default:
		var es kc.Errors
		cc, es = compileSimple(field, c.Op, c.Value, prefix)
		errs = append(errs, es...)
	}
	cc.prio = c.Kind == KindPriority
	return cc, errs
}

// compileSimple validates field, op and value against the catalogue,
// pre-parses the value for the native evaluator and compiles the
// equivalent expr expression.
func compileSimple(field, op, value, prefix string) (criterion, kc.Errors) {
	fail := func(name, key string, args ...any) kc.Errors {
		return kc.Errors{kc.FieldError(prefix+name, key, args...)}
	}
	id, ok := fieldIDs[field]
	if !ok {
		return criterion{}, fail("field", "elig.error.unknown_field", field)
	}
	fd := Fields[id]
	if !slices.Contains(typeOps[fd.Type], op) {
		return criterion{}, fail("op", "elig.error.op", op, field)
	}
	cc := criterion{field: id, typ: fd.Type, op: opcodes[op], need: 1 << id}
	value = strings.TrimSpace(value)
	var src string
	switch fd.Type {
	case TypeBool:
		if value != "" {
			return criterion{}, fail("value", "elig.error.value_empty", value)
		}
		src = field
		if cc.op == opFalse {
			src = "!" + field
		}
	case TypeInt, TypeMoney:
		if cc.op == opIn || cc.op == opNotIn {
			items := splitList(value)
			if len(items) == 0 {
				return criterion{}, fail("value", "elig.error.value_required")
			}
			lits := make([]string, len(items))
			for i, it := range items {
				n, err := strconv.ParseInt(it, 10, 64)
				if err != nil {
					return criterion{}, fail("value", "elig.error.value_int", it)
				}
				cc.nums = append(cc.nums, n)
				lits[i] = strconv.FormatInt(n, 10)
			}
			src = field + " " + exprOp(cc.op) + " [" + strings.Join(lits, ", ") + "]"
			break
		}
		if value == "" {
			return criterion{}, fail("value", "elig.error.value_required")
		}
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return criterion{}, fail("value", "elig.error.value_int", value)
		}
		cc.num = n
		src = field + " " + op + " " + strconv.FormatInt(n, 10)
	case TypeText, TypeList:
		var items []string
		if cc.op == opIn || cc.op == opNotIn {
			items = splitList(value)
		} else if value != "" {
			items = []string{value}
		}
		if len(items) == 0 {
			return criterion{}, fail("value", "elig.error.value_required")
		}
		lits := make([]string, len(items))
		for i, it := range items {
			if strings.IndexFunc(it, unicode.IsControl) >= 0 {
				return criterion{}, fail("value", "elig.error.value_invalid", it)
			}
			if fd.Options != nil && !slices.Contains(fd.Options, it) {
				return criterion{}, fail("value", "elig.error.value_option", it, strings.Join(fd.Options, ", "))
			}
			lits[i] = strconv.Quote(it)
		}
		switch cc.op {
		case opIn, opNotIn:
			cc.texts = items
			src = field + " " + exprOp(cc.op) + " [" + strings.Join(lits, ", ") + "]"
		case opHas:
			cc.text = items[0]
			src = lits[0] + " in " + field
		default:
			cc.text = items[0]
			src = field + " " + op + " " + lits[0]
		}
	}
	prog, err := expr.Compile(src, expr.Env(Facts{}), expr.AsBool())
	if err != nil {
		// The catalogue and the parser above admit only expressions that
		// type-check; reaching this is a programmer error, reported on the
		// value so the editor still shows where.
		return criterion{}, kc.Errors{kc.FieldError(prefix+"value", "elig.error.value_invalid", value).Wrap(err)}
	}
	cc.prog, cc.source = prog, src
	return cc, nil
}

// exprOp spells an operator in expr.
func exprOp(op opcode) string {
	if op == opNotIn {
		return "not in"
	}
	return "in"
}

// splitList splits a comma-separated value, trimming items and dropping
// empty ones.
func splitList(s string) []string {
	var out []string
	for it := range strings.SplitSeq(s, ",") {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

// compileFormula compiles an advanced formula against Facts with expr's
// default node and memory limits, and records the facts it reads.
func compileFormula(src, prefix string) (criterion, kc.Errors) {
	prog, err := expr.Compile(src, expr.Env(Facts{}), expr.AsBool())
	if err != nil {
		return criterion{}, kc.Errors{formulaError(src, prefix+"formula", err)}
	}
	// A formula that exhausts expr's memory budget on empty facts (a huge
	// range, say) is refused when saved: it would stop on every
	// establishment, and a stopped criterion does not hold. Other run-time
	// errors depend on the facts (Trades[0] of an establishment without
	// trades) and are left to the evaluation.
	if _, err := expr.Run(prog, Facts{}); err != nil && strings.Contains(err.Error(), "memory budget") {
		msg := err.Error()
		if i := strings.IndexByte(msg, '\n'); i > 0 {
			msg = msg[:i]
		}
		return criterion{}, kc.Errors{kc.FieldError(prefix+"formula", "elig.error.formula_runtime", msg)}
	}
	return criterion{formula: true, prog: prog, source: src, need: formulaNeeds(prog)}, nil
}

// formulaError turns an expr compile error into a field error: a
// position error gives "elig.error.formula" with the 1-based line and
// column and expr's message; a formula that is not boolean gives
// "elig.error.formula_not_bool" with its type.
func formulaError(src, field string, err error) *kc.Error {
	var fe *file.Error
	if errors.As(err, &fe) {
		return kc.FieldError(field, "elig.error.formula", fe.Line, fe.Column+1, fe.Message).Wrap(err)
	}
	if p, err2 := expr.Compile(src, expr.Env(Facts{})); err2 == nil {
		typ := "nil"
		if t := p.Node().Type(); t != nil {
			typ = t.String()
		}
		return kc.FieldError(field, "elig.error.formula_not_bool", typ).Wrap(err)
	}
	return kc.FieldError(field, "elig.error.formula", 1, 1, err.Error()).Wrap(err)
}

// needsVisitor collects the Facts fields a formula reads.
type needsVisitor struct {
	need           uint64
	env, envFields int // uses of $env, and of $env with a constant field name
}

// Visit implements ast.Visitor.
func (v *needsVisitor) Visit(n *ast.Node) {
	switch t := (*n).(type) {
	case *ast.IdentifierNode:
		if t.Value == "$env" {
			v.env++
		} else if id, ok := fieldIDs[t.Value]; ok {
			v.need |= 1 << id
		}
	case *ast.MemberNode:
		base, ok := t.Node.(*ast.IdentifierNode)
		if !ok || base.Value != "$env" {
			return
		}
		if p, ok := t.Property.(*ast.StringNode); ok {
			v.envFields++
			if id, ok := fieldIDs[p.Value]; ok {
				v.need |= 1 << id
			}
		}
	}
}

// formulaNeeds walks the program's tree for the fields it uses. A
// dynamic use of $env (other than $env.Field or $env["Field"]) may read
// anything, so it needs every field.
func formulaNeeds(p *vm.Program) uint64 {
	v := &needsVisitor{}
	node := p.Node()
	ast.Walk(&node, v)
	if v.env > v.envFields {
		return 1<<numFields - 1
	}
	return v.need
}
