/**
 * The checkout stylesheet, inlined with the CSP nonce. System fonts only (nothing to fetch). Text colours keep
 * at least 4.5:1 contrast on their backgrounds (WCAG AA); one column on phones, QR beside the fields from
 * 720 px.
 */
export const pageStyles = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#eef0f4;color:#1b1f24;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:760px;margin:0 auto;padding:16px}
.card{background:#fff;border:1px solid #d5d9e0;border-radius:14px;box-shadow:0 1px 3px rgba(16,24,40,.08);padding:20px}
.merchant{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:4px 16px;margin-bottom:16px}
.merchant h1{margin:0;font-size:1.35rem;line-height:1.3;overflow-wrap:anywhere}
.eyebrow{margin:0;color:#4a5361;font-size:.8rem;text-transform:uppercase;letter-spacing:.06em;flex-basis:100%}
.order,.price{margin:0;color:#4a5361;overflow-wrap:anywhere}
.price strong{color:#1b1f24}
.status{border:1px solid;border-left-width:6px;border-radius:10px;padding:12px 14px}
[data-region=instructions],[data-region=summary]{margin-top:20px}
.status p{margin:0}
.status .headline{font-weight:650;font-size:1.1rem}
.status .detail{color:#2d333b}
.tone-waiting{background:#eef4ff;border-color:#2554c7}
.tone-progress{background:#fff6e0;border-color:#a15c00}
.tone-success{background:#e8f6ee;border-color:#16794a}
.tone-attention{background:#fff0ed;border-color:#b42318}
.tone-closed{background:#f2f3f5;border-color:#5b6470}
.tone-progress .headline::before{content:"";display:inline-block;width:.8em;height:.8em;margin-right:.5em;border:2px solid #a15c00;border-right-color:transparent;border-radius:50%;vertical-align:-.05em;animation:spin 1s linear infinite}
@keyframes spin{to{transform:rotate(360deg)}}
.tone-success .headline::before{content:"\\2713";margin-right:.4em;color:#16794a}
@media (prefers-reduced-motion:reduce){.tone-progress .headline::before{animation:none}}
.pay{display:grid;gap:20px}
.qr{margin:0;justify-self:center;text-align:center}
.qr .code{width:232px;height:232px;padding:8px;background:#fff;border:1px solid #d5d9e0;border-radius:10px}
.qr svg{display:block;width:100%;height:100%}
.qr figcaption{margin-top:6px;color:#4a5361;font-size:.875rem}
.fields{margin:0;display:grid;gap:14px}
.field dt{color:#4a5361;font-size:.875rem;font-weight:600}
.field dd{margin:2px 0 0;display:flex;align-items:flex-start;gap:10px}
.value{flex:1;min-width:0;overflow-wrap:anywhere;word-break:break-all}
.amount{font-size:1.6rem;font-weight:700;line-height:1.25;font-variant-numeric:tabular-nums;word-break:break-all}
.unit{font-size:1.1rem;font-weight:600;color:#2d333b}
.mono{font-family:ui-monospace,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:.95rem}
.copy{flex:none;font:inherit;font-size:.875rem;font-weight:600;color:#1d4ed8;background:#fff;border:1px solid #1d4ed8;border-radius:8px;padding:6px 14px;min-height:36px;cursor:pointer}
.copy:hover{background:#eef4ff}
.copy:focus-visible,.wallet:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.wallet{display:block;text-align:center;text-decoration:none;font-weight:650;color:#fff;background:#1d4ed8;border-radius:10px;padding:12px 16px;margin-top:20px}
.wallet:hover{background:#1e40af}
.countdown{margin:14px 0 0;text-align:center;color:#2d333b}
.countdown time{font-weight:700;font-variant-numeric:tabular-nums}
.warning{margin:14px 0 0;font-size:.875rem;color:#4a5361;text-align:center}
footer{margin-top:14px;text-align:center;color:#4a5361;font-size:.8rem}
footer p{margin:2px 0;overflow-wrap:anywhere}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
[hidden]{display:none!important}
@media (min-width:720px){
main{padding:40px 24px}
.card{padding:28px}
.pay{grid-template-columns:auto 1fr;align-items:start}
.qr{justify-self:start}
}
`;
