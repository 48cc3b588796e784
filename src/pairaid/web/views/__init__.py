"""The pages offices work in: short function views that parse, fetch through
`web.access`, call the services or the figures module, and render."""
