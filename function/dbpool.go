package main

// connsPerInstance is the size of a function instance's SQL connection
// pool. An FC instance of the go1 runtime serves one request (or event) at
// a time, and every record store call holds one connection at a time (a
// statement, or one transaction), so one connection serves the instance;
// a larger pool would only hold more of the database's connection slots
// per instance. docs/records.md ("Connections under fan-out") gives the
// arithmetic against the database's limit.
const connsPerInstance = 1
