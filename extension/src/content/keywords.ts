// Words that tell what a field is for. Matching is by word sets and plain
// substring search, not by big regular expressions: those cost milliseconds
// to compile and run on every page, which a content script cannot afford.
//
// All page text goes through normalize(): camelCase split, lower case, the
// accents of Latin, Greek and Cyrillic letters and the vowel points of Hebrew
// and Arabic dropped, anything but letters, digits and the marks of other
// scripts (Devanagari vowel signs, kana voicing) turned into single spaces. So
// "user[otp_attempt]" reads "user otp attempt", "mfaCode" reads "mfa code" and
// "Código de verificación" reads "codigo de verificacion". The keywords below
// are written normalised already (a unit test checks each), so loading a list
// costs no normalize() call.

const ASCII = /^[\x00-\x7f]*$/;

/** Normalises text for matching (see the file comment). */
export function normalize(s: string): string {
  const lower = s.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  // Most field names and labels are ASCII: Unicode-aware regular expressions
  // and the normaliser's tables cost a millisecond to set up on first use.
  if (ASCII.test(lower)) return lower.replace(/[^a-z0-9]+/g, " ").trim();
  return lower
    .normalize("NFD")
    .replace(/[\u0300-\u036f\u0591-\u05c7\u064b-\u065f\u0670]+/g, "") // Latin/Greek/Cyrillic accents, Hebrew points, Arabic vowel marks
    .normalize("NFC")
    .replace(SEPARATORS, " ")
    .trim();
}

/**
 * Spaces, punctuation and symbols, Latin and the scripts the keywords cover:
 * a plain character class, because a Unicode-property one (/[^\p{L}\p{N}\p{M}]/u)
 * takes most of a millisecond to compile on each page.
 */
const SEPARATORS =
  /[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\xbf\xd7\xf7\u037e\u0387\u055a-\u055f\u0589\u05be\u05c0\u05c3\u05c6\u05f3\u05f4\u060c\u061b\u061f\u066a-\u066d\u06d4\u0964\u0965\u2000-\u206f\u20a0-\u20cf\u2100-\u2bff\u3000-\u3003\u3008-\u3020\u30fb\ufe10-\ufe1f\ufe30-\ufe6f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+/g;

/** Normalised text, ready for Lexicon.test. */
export interface Words {
  /** The normalised text with a space at each end, for phrase search. */
  readonly padded: string;
  readonly tokens: ReadonlySet<string>;
}

export function words(raw: string): Words {
  const n = normalize(raw);
  return { padded: ` ${n} `, tokens: new Set(n.split(" ")) };
}

/**
 * A list of keywords. A plain word matches a whole word; a phrase (with
 * spaces) matches whole words in a row; an entry ending in "*" matches
 * anywhere, for word stems and for scripts written without spaces (CJK).
 */
export class Lexicon {
  private single: Set<string> | null = null;
  private inner: string[] = [];

  /** list: keywords separated by "|". Parsed on first use: most pages never need it. */
  constructor(private readonly list: string) {}

  private parse(): Set<string> {
    const single = new Set<string>();
    for (const k of this.keywords()) {
      if (k.endsWith("*")) this.inner.push(k.slice(0, -1));
      else if (k.includes(" ")) this.inner.push(` ${k} `);
      else single.add(k);
    }
    return (this.single = single);
  }

  /** The keywords as written: each must be normalised already (checked by a unit test). */
  keywords(): string[] {
    return this.list.split("|");
  }

  test(w: Words): boolean {
    const single = this.single ?? this.parse();
    for (const t of w.tokens) if (single.has(t)) return true;
    for (const p of this.inner) if (w.padded.includes(p)) return true;
    return false;
  }
}

/** Words that, in a field's own name/id/label, say "one-time code". */
export const OTP_STRONG = new Lexicon(
  "otp|totp|hotp|otc|2fa|mfa|tfa|2sv|twofa|passcode|authenticator|onetime|twofactor|otpcode|totpcode|mfacode|authcode|smscode|verificationcode|" +
  "one time|two factor|two step|2 step|2 factor|multi factor|verification code|verify code|authentication code|auth code|login code|sign in code|signin code|confirmation code|access code|app code|security code|sms code|6 digit code|code from your authenticator|" +
  // hardware and VPN tokens (FortiToken, RSA SecurID), code generator apps, Steam Guard
  "steam guard|steam mobile app|token code|tokencode|fortitoken|securid|soft token|code generator|code generation app|" +
  // French, Spanish, Portuguese, Italian
  "code de verification|code de securite|code de connexion|code de confirmation|code a usage unique|code d authentification|codigo de verificacion|codigo de verificacao|codigo de seguranca|codigo de seguridad|codigo de autenticacion|codigo de autenticacao|codigo de acceso|codigo de acesso|codigo de un solo uso|codigo de confirmacion|codice di verifica|codice di sicurezza|codice otp|codice monouso|codice di autenticazione|" +
  // German, Dutch, Nordic, Polish, Czech, Turkish
  "bestatigungscode|sicherheitscode|einmalcode|einmalpasswort|einmalkennwort|authentifizierungscode|verifizierungscode|anmeldecode|zweifaktor|verificatiecode|beveiligingscode|authenticatiecode|verifieringskod|engangskod|bekraftelsekod|engangskode|bekreftelseskode|bekraftelseskode|vahvistuskoodi|kertakayttokoodi|" +
  "eenmalige code|kod weryfikacyjny|kod uwierzytelniajacy|kod jednorazowy|kod bezpieczenstwa|overovaci kod|jednorazovy kod|dogrulama kodu|guvenlik kodu|" +
  // Russian, Ukrainian, Greek, Arabic, Hebrew, Hindi
  "код подтверждения|код проверки|код безопасности|код аутентификации|код из приложения|код підтвердження|κωδικος επαληθευσης|رمز التحقق|קוד אימות|सत्यापन कोड|" +
  "одноразов*|確認コード*|認証コード*|ワンタイム*|セキュリティコード*|验证码*|驗證碼*|校验码*|动态码*|動態碼*|安全码*|인증코드*|인증 코드*|인증번호*|보안코드*|일회용*",
);

/** A generic "code" word: a hint, not proof. */
export const OTP_CODE_WORD = new Lexicon(
  "code|codes|pin|token|codigo|codice|kod|koodi|kode|" +
  "コード*|码*|碼*|코드*|код*|κωδικ*",
);

/** Words that rule a field out whatever else it says: codes that are not 2FA codes, and fields that are not codes at all. */
export const HARD_NEGATIVE = new Lexicon(
  // promotions
  "promo|promotion|promotional|promocode|coupon|couponcode|voucher|discount|giftcard|gift|referral|referrer|invite|invitation|redeem|redemption|rabatt|gutschein|cupon|descuento|" +
  "bon de reduction|" +
  // postal codes
  "postal|postcode|zip|zipcode|plz|postleitzahl|cep|" +
  "post code|code postal|codigo postal|codice postale|" +
  "郵便番号*|邮编*|邮政编码*|우편번호*|почтов*|индекс*|" +
  // captchas
  "captcha*|above number|number above|characters you see|characters in the image|图形验证码*|图片验证码*|圖形驗證碼*|画像認証*|" +
  // search
  "search|suche|buscar|recherche|ricerca|zoeken|" +
  "検索*|搜索*|검색*|поиск*|" +
  // payment cards
  "cvc|cvv|cvn|csc|ccv|cvc2|cvv2|cardcode|cryptogramme|" +
  "card code|card security|security number|card number|card verification|cc csc|" +
  "kartenpruf*|" +
  // bank account details
  "sort code|sortcode|account number|accountnumber|account no|acct number|acct no|iban|bic|swift|swiftcode|routing|aba|" +
  "blz|bankleitzahl|bank code|bankcode|bank number|branch code|transit number|institution number|bsb|ifsc|clabe|rib|" +
  "kontonummer|numero de compte|code banque|code guichet|numero de cuenta|codigo bancario|numero da conta|" +
  // quantities and money
  "quantity|qty|amount|price|menge|anzahl|cantidad|quantite|montant|betrag",
);

/**
 * Recovery and backup codes: they rule a field out, unless the field is
 * marked autocomplete=one-time-code and also names the one-time code itself
 * (Discord's "6-digit authentication code/8-digit backup code").
 */
export const RECOVERY = new Lexicon(
  "recovery|backup|scratch|rescue|emergency|" +
  "wiederherstellung*|recuperation*|recuperacion*|recuperacao*|ripristino*|herstel*|odzyskiwania*|リカバリー*|恢复码*|備用*|备用*|복구*|резервн*|восстановлени*",
);

/** A PIN is a secret the user knows, never a one-time code, whatever the page says around it. */
export const PIN = new Lexicon("pin|pins|pincode|nip");

/** Words that rule a field out unless it also says "one-time code" itself: phone numbers, user names, e-mail, passwords. */
export const SOFT_NEGATIVE = new Lexicon(
  "phone|mobile|telephone|tel|telefon|telefono|telefone|msisdn|cell|cellphone|username|userid|loginid|email|mail|password|passwort|contrasena|name|firstname|lastname|address|city|" +
  "user name|user id|login id|e mail|account name|first name|last name|mot de passe|" +
  "電話*|电话*|手机*|휴대폰*|전화*|телефон*|パスワード*|密码*|비밀번호*|пароль*",
);

/** Page text near a card or bank-account form; such a form is no place for a 2FA code. */
export const PAYMENT_CONTEXT = new Lexicon(
  "expiry|expiration|cardholder|cvc|cvv|" +
  "card number|credit card|debit card|" +
  "sort code|account number|iban|routing number|bankleitzahl|blz|swift code|bic|bsb|ifsc|transit number|kontonummer",
);

/** autocomplete tokens that name some other kind of field. */
export const OTHER_AUTOCOMPLETE = new Set(
  "username email current-password new-password tel tel-national tel-local postal-code cc-csc cc-number cc-exp name given-name family-name street-address address-line1 bday transaction-amount".split(
    " ",
  ),
);

// ---- which code the page asks for (docs/DECISIONS.md, "The wrong kind of code") ----

/** Words saying the page sent a code (not that it can): "we sent", "was just sent", "texted". */
export const SENT_VERB = new Lexicon(
  "sent|texted|emailed|called|calling|delivered|received|check your|" +
  "envoye|envoyee|enviado|enviada|enviamos|gesendet|geschickt|inviato|verzonden",
);

/** A code by text message. */
export const SMS_CHANNEL = new Lexicon(
  "sms|text message|text messages|texted|by text|via text|a text|textnachricht|mensaje de texto|mensagem de texto|phone ending|number ending",
);

/** A code by e-mail. */
export const EMAIL_CHANNEL = new Lexicon("email|emails|e mail|emailed|inbox|courriel|correo|posteingang");

/** A code by voice call. */
export const VOICE_CHANNEL = new Lexicon("voice call|phone call|call you|called you|calling|automated call|anruf|appel vocal|llamada");

/** A code shown on, or pushed to, another device the user is signed in on. */
export const DEVICE_CHANNEL = new Lexicon(
  "trusted device*|your devices|other device*|another device|device verification|notification",
);

/** Words saying the code comes from an authenticator app: a page that says so takes the TOTP code, whatever else it mentions. */
export const APP_CHANNEL = new Lexicon(
  "totp|authy|code generator|authentication app|verification app|2fa app|mfa app|otp app|your app|the app|mfa device|application d authentification|aplicacion de autenticacion|authenticator*",
);
