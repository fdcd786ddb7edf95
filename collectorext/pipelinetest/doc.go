// Package pipelinetest holds tests that run otelsessions' Collector components together, as a pipeline
// would: the sessions processor in front of the sessions connector, fed real recordings. It has no code of
// its own.
package pipelinetest
