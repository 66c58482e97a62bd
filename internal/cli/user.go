package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// ta translates an accounts catalog key (user.*, auth.*, audit.*, role.*)
// in the CLI's language.
func ta(key string, args ...any) string { return locale.T(locale.Default, key, args...) }

// accountErr turns validation errors into one plain Vietnamese line (the
// field messages alone, joined), keeping other errors as they are.
func accountErr(err error) error {
	if err == nil || kc.ErrorCode(err) == kc.EInternal {
		return err
	}
	fes := kc.FieldErrors(err)
	if len(fes) == 0 {
		return err
	}
	parts := make([]string, len(fes))
	for i, fe := range fes {
		parts[i] = ta(fe.Key, fe.Args...)
	}
	return exitError{code: 1, msg: strings.Join(parts, " ")}
}

func (m *Main) userCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Tài khoản người dùng: thêm, đổi mật khẩu, liệt kê, khoá"}
	cmd.AddCommand(m.userAddCmd(), m.userPasswdCmd(), m.userListCmd(), m.userDisableCmd())
	return cmd
}

func (m *Main) userAddCmd() *cobra.Command {
	var role, name string
	var scope []string
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "add TÊN_ĐĂNG_NHẬP",
		Short: "Tạo tài khoản",
		Long: "Tạo tài khoản với vai trò và phạm vi. Vai trò: admin, province_officer, commune_officer,\n" +
			"council_member, viewer. Phạm vi là mã đơn vị hành chính hiện hành (tỉnh: 2 chữ số, xã: 5 chữ số),\n" +
			"cách nhau bằng dấu phẩy. Mật khẩu được hỏi hai lần, hoặc đọc một dòng từ đầu vào chuẩn với --password-stdin.",
		Example: "  khuyencong user add lan.nguyen --role commune_officer --scope 19564 --name \"Nguyễn Thị Lan\"\n" +
			"  echo 'mật khẩu đủ mạnh' | khuyencong user add tinh.qt --role province_officer --scope 44 --password-stdin",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if role == "" {
				return kc.Errorf(kc.EInvalid, "user.role_required")
			}
			if !kc.Role(role).Valid() {
				return kc.Errorf(kc.EInvalid, "user.role_invalid", role)
			}
			return m.withApp(cmd.Context(), func(ctx context.Context, a *app.App) error {
				ids, err := scopeIDs(ctx, a, scope)
				if err != nil {
					return err
				}
				pw, err := m.readPassword(fromStdin)
				if err != nil {
					return err
				}
				u, err := a.CreateUser(ctx, app.NewUser{Username: args[0], DisplayName: name, Password: pw, Role: kc.Role(role), ScopeUnitIDs: ids})
				if err != nil {
					return accountErr(err)
				}
				fmt.Fprintln(m.Stdout, ta("user.created", u.Username, ta("role."+string(u.Role))))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "vai trò: admin | province_officer | commune_officer | council_member | viewer")
	cmd.Flags().StringSliceVar(&scope, "scope", nil, "mã đơn vị trong phạm vi, ví dụ 44 hoặc 19564,19570")
	cmd.Flags().StringVar(&name, "name", "", "họ và tên hiển thị")
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, "đọc mật khẩu (một dòng) từ đầu vào chuẩn")
	return cmd
}

// scopeIDs resolves unit codes valid today to unit ids.
func scopeIDs(ctx context.Context, a *app.App, codes []string) ([]int64, error) {
	today := kc.DateOf(a.Now().In(vi.Location))
	var ids []int64
	for _, code := range codes {
		code = strings.TrimSpace(code)
		if code == "" {
			continue
		}
		u, err := a.Store.FindUnit(ctx, code, today)
		if err != nil {
			if kc.ErrorCode(err) == kc.ENotFound {
				return nil, kc.Errorf(kc.EInvalid, "user.scope_code_unknown", code, vi.FormatDay(today.Time()))
			}
			return nil, err
		}
		ids = append(ids, u.ID)
	}
	return ids, nil
}

// readPassword reads a new password: one line from standard input with
// --password-stdin; otherwise asked twice without echo on a terminal, or
// read as two lines (password, confirmation) from a non-terminal input.
func (m *Main) readPassword(fromStdin bool) (string, error) {
	in := m.Stdin
	if in == nil {
		in = os.Stdin
	}
	if !fromStdin {
		if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			return m.promptPassword(int(f.Fd()))
		}
	}
	r := bufio.NewReader(in)
	first, err := readPasswordLine(r)
	if err != nil {
		return "", err
	}
	if first == "" {
		if fromStdin {
			return "", kc.Errorf(kc.EInvalid, "user.password_empty")
		}
		return "", kc.Errorf(kc.EInvalid, "user.password_no_input")
	}
	if !fromStdin {
		if again, err := readPasswordLine(r); err == nil && again != "" && again != first {
			return "", kc.Errorf(kc.EInvalid, "user.password_mismatch")
		}
	}
	return first, nil
}

func (m *Main) promptPassword(fd int) (string, error) {
	fmt.Fprint(m.Stderr, ta("user.prompt_password"))
	a, err := term.ReadPassword(fd)
	fmt.Fprintln(m.Stderr)
	if err != nil {
		return "", err
	}
	fmt.Fprint(m.Stderr, ta("user.prompt_confirm"))
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(m.Stderr)
	if err != nil {
		return "", err
	}
	if string(a) != string(b) {
		return "", kc.Errorf(kc.EInvalid, "user.password_mismatch")
	}
	if len(a) == 0 {
		return "", kc.Errorf(kc.EInvalid, "user.password_empty")
	}
	return string(a), nil
}

// readPasswordLine reads one line without its line ending; "" at end of input.
func readPasswordLine(r *bufio.Reader) (string, error) {
	s, err := r.ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

func (m *Main) userPasswdCmd() *cobra.Command {
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "passwd TÊN_ĐĂNG_NHẬP",
		Short: "Đặt mật khẩu mới cho tài khoản (mở khoá nếu đang bị khoá do nhập sai)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.withApp(cmd.Context(), func(ctx context.Context, a *app.App) error {
				u, err := a.FindUser(ctx, args[0])
				if err != nil {
					return err
				}
				pw, err := m.readPassword(fromStdin)
				if err != nil {
					return err
				}
				if err := a.ChangePassword(ctx, app.PasswordChange{UserID: u.ID, New: pw}); err != nil {
					return accountErr(err)
				}
				fmt.Fprintln(m.Stdout, ta("user.password_set", u.Username))
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, "đọc mật khẩu (một dòng) từ đầu vào chuẩn")
	return cmd
}

func (m *Main) userListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "Liệt kê tài khoản",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return m.withApp(cmd.Context(), func(ctx context.Context, a *app.App) error {
				users, err := a.ListUsers(ctx)
				if err != nil {
					return err
				}
				if len(users) == 0 {
					fmt.Fprintln(m.Stdout, ta("user.none"))
					return nil
				}
				tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", ta("user.col_username"), ta("user.col_name"), ta("user.col_role"),
					ta("user.col_scope"), ta("user.col_disabled"), ta("user.col_created"))
				for _, ui := range users {
					u := ui.User
					var names []string
					for _, un := range ui.Scope {
						names = append(names, un.Name+" ("+un.Code+")")
					}
					scope := strings.Join(names, ", ")
					if scope == "" {
						scope = ta("auth.scope_all")
					}
					disabled := ta("user.no")
					if u.Disabled {
						disabled = ta("user.yes")
					}
					name := u.DisplayName
					if name == "" {
						name = "—"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Username, name, ta("role."+string(u.Role)), scope, disabled, vi.FormatDate(u.CreatedAt))
				}
				return tw.Flush()
			})
		},
	}
}

func (m *Main) userDisableCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "disable TÊN_ĐĂNG_NHẬP",
		Short: "Khoá tài khoản (không đăng nhập được, phiên và mã truy cập API ngừng hoạt động)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.withApp(cmd.Context(), func(ctx context.Context, a *app.App) error {
				u, err := a.FindUser(ctx, args[0])
				if err != nil {
					return err
				}
				if err := a.DisableUser(ctx, u.ID); err != nil {
					return err
				}
				fmt.Fprintln(m.Stdout, ta("user.disabled", u.Username))
				return nil
			})
		},
	}
}
