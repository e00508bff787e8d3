// Session-timeout warning (R14; WCAG 2.2.1 Timing Adjustable).
//
// The server owns the clock: /session/status/ says how long is left and is "passive" (asking does
// not count as activity), so several open tabs agree. Before the idle limit this opens a modal
// <dialog>; "Stay signed in" (or Escape) POSTs /session/extend/, "Sign out" submits the normal
// sign-out form. When time runs out the page goes to the sign-in page, which explains why.

const dialog = document.querySelector(".app-timeout-dialog");

if (dialog instanceof HTMLDialogElement) {
  const statusUrl = dialog.dataset.statusUrl;
  const extendUrl = dialog.dataset.extendUrl;
  const loginUrl = dialog.dataset.loginUrl;
  const extendButton = dialog.querySelector(".app-timeout-dialog__extend");
  const idleText = dialog.querySelector(".app-timeout-dialog__idle");
  const absoluteText = dialog.querySelector(".app-timeout-dialog__absolute");
  const announcer = dialog.querySelector(".app-timeout-dialog__announce");
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');

  let timer = null;
  let ticker = null;
  let deadline = 0;
  let returnFocusTo = null;

  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

  const describe = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return plural(minutes, "minute");
    }
    return plural(Math.max(0, seconds), "second");
  };

  // With a reason the sign-in page explains the timeout; without one (signed out in another
  // tab, say) it is just the sign-in page.
  const signedOut = (why) => {
    window.location.assign(why ? `${loginUrl}?timeout=${encodeURIComponent(why)}` : loginUrl);
  };

  const fetchStatus = async () => {
    const response = await fetch(statusUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      cache: "no-store",
    });
    if (response.status === 401) {
      let why = "";
      try {
        why = (await response.json()).reason || "";
      } catch {
        // An empty body still means the session is over.
      }
      signedOut(why);
      return null;
    }
    if (!response.ok) {
      throw new Error(`session status ${response.status}`);
    }
    return response.json();
  };

  const closeDialog = () => {
    window.clearInterval(ticker);
    ticker = null;
    if (dialog.open) {
      dialog.close();
      if (returnFocusTo instanceof HTMLElement) {
        returnFocusTo.focus();
      }
    }
  };

  const tick = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    const text = describe(left);
    dialog.querySelectorAll(".app-timeout-dialog__countdown").forEach((el) => {
      el.textContent = text;
    });
    // Announce at a calm pace rather than every second.
    if (left === 60 || left === 30 || left === 10 || (left > 60 && left % 60 === 0)) {
      announcer.textContent = `You will be signed out in ${text}.`;
    }
    if (left <= 0) {
      // The scheduled check asks the server, which alone decides that the session is over.
      window.clearInterval(ticker);
    }
  };

  const openDialog = (status) => {
    const canExtend = status.can_extend !== false;
    extendButton.hidden = !canExtend;
    idleText.hidden = !canExtend;
    absoluteText.hidden = canExtend;
    if (!dialog.open) {
      returnFocusTo = document.activeElement;
      dialog.showModal();
      (canExtend ? extendButton : dialog.querySelector("button:not([hidden])")).focus();
      announcer.textContent = "";
    }
    window.clearInterval(ticker);
    ticker = window.setInterval(tick, 1000);
    tick();
  };

  const schedule = (status) => {
    window.clearTimeout(timer);
    const remaining = status.seconds_remaining;
    const warning = status.warning_seconds;
    deadline = Date.now() + remaining * 1000;
    if (remaining <= 0) {
      // Within the last second: ask again, and let the server's 401 (with its reason) decide.
      openDialog(status);
      timer = window.setTimeout(check, 1000);
    } else if (remaining <= warning) {
      openDialog(status);
      timer = window.setTimeout(check, remaining * 1000 + 1000);
    } else {
      // Another tab may keep the session alive meanwhile, so ask again rather than assume.
      closeDialog();
      timer = window.setTimeout(check, (remaining - warning) * 1000);
    }
  };

  async function check() {
    try {
      const status = await fetchStatus();
      if (status) {
        schedule(status);
      }
    } catch {
      // A network blip: try again shortly; the server still enforces the limit regardless.
      window.clearTimeout(timer);
      timer = window.setTimeout(check, 15000);
    }
  }

  const extend = async () => {
    const response = await fetch(extendUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfMeta ? csrfMeta.content : "" },
    });
    if (response.status === 204) {
      closeDialog();
      check();
    } else {
      signedOut("idle");
    }
  };

  extendButton.addEventListener("click", () => {
    extend();
  });

  // Escape means "not now", which for this dialog is "stay signed in" (when that is possible).
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (!extendButton.hidden) {
      extend();
    }
  });

  check();
}
