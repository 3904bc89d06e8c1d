package client

// ListSchedulesPaged exposes listSchedules with a page size to the
// external tests.
var ListSchedulesPaged = (*Client).listSchedules
