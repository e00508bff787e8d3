// Runs first thing in <body>: lets GOV.UK Frontend's CSS know JavaScript is available, and whether
// the browser supports ES modules (GOV.UK Frontend only initialises where it does).
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
