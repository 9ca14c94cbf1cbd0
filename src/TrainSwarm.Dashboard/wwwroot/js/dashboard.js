// The dashboard's browser side: the creator's key (Web Crypto ECDSA P-256, never sent to the server), the charts
// (Chart.js), and small helpers the Blazor components call through JS interop.
(() => {
  "use strict";
  const storageKey = "trainswarm.key.pkcs8"; // base64 PKCS#8 of the creator's private key
  const algorithm = { name: "ECDSA", namedCurve: "P-256" };

  const toBase64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));
  const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

  // Our address: "ts1" + hex of the first 20 bytes of SHA-256 over the SubjectPublicKeyInfo DER (Address.cs).
  async function addressOf(spki) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", spki));
    return "ts1" + hex(digest.slice(0, 20));
  }

  // Web Crypto cannot derive a public key from a private one directly; the JWK export carries x and y.
  async function publicSpkiOf(privateKey) {
    const jwk = await crypto.subtle.exportKey("jwk", privateKey);
    const pub = await crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true }, algorithm, true, ["verify"]);
    return await crypto.subtle.exportKey("spki", pub);
  }

  let cached = null; // { privateKey, info }

  async function load() {
    if (cached) return cached;
    const stored = localStorage.getItem(storageKey);
    if (!stored) return null;
    const privateKey = await crypto.subtle.importKey("pkcs8", fromBase64(stored), algorithm, true, ["sign"]);
    const spki = await publicSpkiOf(privateKey);
    cached = { privateKey, info: { address: await addressOf(spki), publicKey: toBase64(spki) } };
    return cached;
  }

  async function store(privateKey) {
    const pkcs8 = await crypto.subtle.exportKey("pkcs8", privateKey);
    localStorage.setItem(storageKey, toBase64(pkcs8));
    cached = null;
    return (await load()).info;
  }

  function pemBody(text, label) {
    const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(text);
    return match ? fromBase64(match[1].replace(/\s+/g, "")) : null;
  }

  const keys = {
    current: async () => (await load())?.info ?? null,
    generate: async () => {
      const pair = await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
      return await store(pair.privateKey);
    },
    // Reads a PEM file chosen in an <input type=file> right here in the browser: the key never reaches the server.
    importFromInput: async (input) => {
      const file = input.files && input.files[0];
      if (!file) throw new Error("choose a PEM file first");
      const text = await file.text();
      input.value = "";
      return await keys.importPem(text);
    },
    importPem: async (text) => {
      if (/BEGIN EC PRIVATE KEY/.test(text))
        throw new Error("this is a SEC1 'EC PRIVATE KEY' file; export it as PKCS#8 ('PRIVATE KEY'), as `swarm wallet create` writes");
      const der = pemBody(text, "PRIVATE KEY");
      if (!der) throw new Error("the file holds no PKCS#8 'PRIVATE KEY' PEM block");
      let privateKey;
      try {
        privateKey = await crypto.subtle.importKey("pkcs8", der, algorithm, true, ["sign"]);
      } catch {
        throw new Error("the PEM block is not an ECDSA P-256 private key");
      }
      return await store(privateKey);
    },
    exportPem: async () => {
      const stored = localStorage.getItem(storageKey);
      if (!stored) throw new Error("there is no key in this browser");
      const lines = stored.match(/.{1,64}/g).join("\n");
      const pem = `-----BEGIN PRIVATE KEY-----\n${lines}\n-----END PRIVATE KEY-----\n`;
      const info = (await load()).info;
      saveText(`${info.address}.pem`, pem, "application/x-pem-file");
    },
    forget: async () => {
      localStorage.removeItem(storageKey);
      cached = null;
    },
    // Signs the bytes the server prepared (base64) and returns r||s (IEEE P1363, 64 bytes) in base64.
    sign: async (messageBase64) => {
      const key = await load();
      if (!key) throw new Error("there is no key in this browser; create or import one on the Wallet page");
      const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key.privateKey, fromBase64(messageBase64));
      return toBase64(signature);
    },
  };

  function saveText(name, text, type) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  // One Chart.js line chart per canvas: holdout loss (left axis) and accuracy (right axis) per round. For an rl job
  // (`returns` set) the right axis is the mean evaluation return (0 to `returns`, the longest episode) and there is no loss.
  const charts = new Map();
  const chartsApi = {
    // lossOnly names the loss line of a chart without a second one (an lm job: held-out loss alone).
    // accuracyOnly names the accuracy line of a chart without a loss (a grpo job: held-out exact match alone).
    metrics: (canvas, labels, loss, accuracy, returns, lossOnly, accuracyOnly) => {
      // Charts whose canvas Blazor replaced are dropped; a detached canvas cannot be measured.
      for (const [c, old] of charts) if (!c.isConnected) { old.destroy(); charts.delete(c); }
      if (!canvas || !canvas.isConnected || typeof Chart === "undefined") return;
      let chart = charts.get(canvas);
      if (!chart) {
        chart = new Chart(canvas, {
          type: "line",
          data: {
            labels: [],
            datasets: [
              { label: lossOnly || "holdout loss", data: [], yAxisID: "loss", borderColor: "#d9480f", backgroundColor: "#d9480f", tension: 0.2 },
              { label: returns ? "mean return" : accuracyOnly || "holdout accuracy (%)", data: [], yAxisID: "accuracy", borderColor: "#1c7ed6",
                backgroundColor: "#1c7ed6", tension: 0.2 },
            ],
          },
          options: {
            animation: false,
            maintainAspectRatio: false,
            interaction: { mode: "index", intersect: false },
            scales: {
              x: { title: { display: true, text: "round" } },
              loss: { type: "linear", position: "left", display: !returns && !accuracyOnly, title: { display: true, text: "loss" } },
              accuracy: { type: "linear", position: "right", display: !lossOnly, min: 0, max: returns || 100,
                grid: { drawOnChartArea: !!returns || !!accuracyOnly },
                title: { display: true, text: returns ? "mean return" : accuracyOnly ? "exact match %" : "accuracy %" } },
            },
          },
        });
        charts.set(canvas, chart);
      }
      chart.data.labels = labels;
      chart.data.datasets[0].data = returns || accuracyOnly ? [] : loss;
      chart.data.datasets[1].data = lossOnly ? [] : accuracy;
      chart.update();
      canvas.dataset.points = String(labels.length);
    },
    // A line chart of several series over scrape times (the metrics page): lines = [{ label, data: [number|null] }].
    series: (canvasId, labels, lines, unit) => {
      const canvas = document.getElementById(canvasId);
      for (const [c, old] of charts) if (!c.isConnected) { old.destroy(); charts.delete(c); }
      if (!canvas || typeof Chart === "undefined") return;
      const colours = ["#1c7ed6", "#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#0b7285", "#c2255c", "#5c940d", "#364fc7"];
      let chart = charts.get(canvas);
      if (!chart) {
        chart = new Chart(canvas, {
          type: "line",
          data: { labels: [], datasets: [] },
          options: {
            animation: false,
            maintainAspectRatio: false,
            spanGaps: false,
            interaction: { mode: "index", intersect: false },
            scales: { x: { title: { display: true, text: "time (UTC)" } }, y: { beginAtZero: true, title: { display: true, text: unit } } },
          },
        });
        charts.set(canvas, chart);
      }
      chart.data.labels = labels;
      chart.data.datasets = lines.map((l, i) => ({ label: l.label, data: l.data, borderColor: colours[i % colours.length],
        backgroundColor: colours[i % colours.length], pointRadius: 0, tension: 0.1 }));
      chart.update();
      canvas.dataset.points = String(labels.length);
      canvas.dataset.lines = String(lines.length);
    },
    dispose: (canvas) => {
      const chart = charts.get(canvas);
      if (chart) { chart.destroy(); charts.delete(canvas); }
    },
  };

  // Form drafts survive a reload or a lost connection (sessionStorage: this tab only).
  const drafts = {
    save: (name, json) => sessionStorage.setItem("trainswarm.draft." + name, json),
    load: (name) => sessionStorage.getItem("trainswarm.draft." + name),
    clear: (name) => sessionStorage.removeItem("trainswarm.draft." + name),
  };

  // Sends one signed PUT of `bytes` with upload progress; resolves with the parsed JSON answer.
  function put(headers, bytes, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("PUT", headers.path);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.setRequestHeader("Content-Digest", headers.contentDigest);
      xhr.setRequestHeader("Signature-Input", headers.signatureInput);
      xhr.setRequestHeader("Signature", headers.signature);
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded); };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) { resolve(xhr.responseText ? JSON.parse(xhr.responseText) : null); return; }
        let message = `the coordinator answered ${xhr.status}`;
        try { const p = JSON.parse(xhr.responseText); message = p.detail ? `${p.title}: ${p.detail}` : p.title || message; } catch { }
        reject(new Error(message));
      };
      xhr.onerror = () => reject(new Error("the upload failed: the coordinator could not be reached"));
      xhr.send(bytes);
    });
  }

  // Uploads the file chosen in `input` as a dataset, through the chunked, resumable dataset upload: the file's SHA-256
  // goes with the start (the server signs it with this browser's key, through `dotnet`), then each chunk the coordinator
  // lacks is sent here with its own signed headers, so the bar follows the bytes; completing it is the server's call.
  async function uploadDataset(input, dotnet) {
    const file = input.files && input.files[0];
    if (!file) throw new Error("choose a file first");
    const bytes = new Uint8Array(await file.arrayBuffer());
    const sha256 = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
    const status = await dotnet.invokeMethodAsync("StartUpload", file.name, bytes.length, sha256);
    if (status.error) throw new Error(status.error);
    const bar = document.getElementById("upload-progress");
    const text = () => document.getElementById("upload-progress-text");
    const show = (done) => {
      if (bar) { bar.max = bytes.length; bar.value = done; bar.dataset.events = String(Number(bar.dataset.events || 0) + 1); }
      const t = text();
      if (t) t.textContent = `${Math.round((100 * done) / Math.max(1, bytes.length))} % of ${bytes.length} bytes`;
    };
    let received = status.received;
    show(received);
    while (received < bytes.length) {
      const chunk = bytes.subarray(received, Math.min(bytes.length, received + status.chunkBytes));
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", chunk));
      const headers = await dotnet.invokeMethodAsync("PrepareChunk", status.uploadId, received, "sha-256=:" + toBase64(digest) + ":");
      if (headers.error) throw new Error(headers.error);
      const start = received;
      const answer = await put(headers, chunk, (loaded) => show(start + loaded));
      received = answer.received;
      show(received);
    }
    input.value = "";
    return status.uploadId;
  }

  window.trainswarm = { keys, charts: chartsApi, drafts, uploadDataset, print: () => window.print(), focus: (el) => el && el.focus() };
})();
