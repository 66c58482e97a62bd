// Package store is the only package with SQL. It serves SQLite (modernc,
// WAL, one writer pool and one reader pool) and PostgreSQL (pgx through
// database/sql) with the same code: queries are written with $n
// placeholders and rewritten for SQLite, and the small Dialect value holds
// what differs between the two.
//
// Exported methods on Store open their own transaction; Store.InTx lets the
// application layer combine several operations in one transaction through
// the methods on Tx. The store turns sql.ErrNoRows into kc.ENotFound and
// unique violations into kc.EConflict.
//
// store imports kc, vi and its database drivers; it must not import app or
// any edge package.
package store
