// Package replay reads existing trace files, derives their sessions and prints stability reports: the
// work behind `otelsessions replay`.
package replay
