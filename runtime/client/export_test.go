package client

// ListWorkflowsPaged exposes listWorkflows with a page size to the external
// tests.
var ListWorkflowsPaged = (*Client).listWorkflows
