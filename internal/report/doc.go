// Package report holds the documents the system generates — period and
// annual reports, the annual plan, a project's approval decision draft and
// acceptance minutes — as plain data: a Document made of header, blocks
// (headings, paragraphs, tables, charts) and closing, and the Dataset of
// indicators a report is computed from. The application layer fills them
// in from the database; the renderers in report/docx, report/xlsx and
// report/pdf turn one Document into a file, and report/chart draws its
// charts. Nothing here touches the database or the locale catalog: every
// text arrives already written.
//
// report imports only the standard library, kc and vi.
package report
