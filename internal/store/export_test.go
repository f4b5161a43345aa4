package store

// RebindDollar is exported for tests.
var RebindDollar = rebindDollar
