"""Reports for people outside the tool: the finance workbook (Excel), and later HTML."""
